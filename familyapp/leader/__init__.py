"""The team leader's pages: recoveries to confirm; never a family's content."""
