"""Screens that combine features, on top of them: the family's home, the consultant's caseload, "Mine
oplysninger" with "who has looked", and what a partner sees through a link. Each asks the features through small
functions in their ``queries.py``; no feature imports anything from here."""
