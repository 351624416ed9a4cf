"""Signing in with a passkey, activating a new one, signing out and "Mine adgangsnøgler": the screens over the
core's logins (``auth``)."""
