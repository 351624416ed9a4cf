"""Recovery of a lost passkey in two steps (one professional asks, a second confirms), and the owner's notices of
what changed on their login."""
