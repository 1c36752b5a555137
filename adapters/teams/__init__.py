"""Microsoft Teams adapter: Adaptive Cards rendering (cards.py); the botbuilder port comes later."""
