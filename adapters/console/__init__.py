"""The console adapter: a terminal chat that implements the ChatPort completely."""
