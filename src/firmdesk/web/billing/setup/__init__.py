"""Billing set-up pages: the firm's settings, timekeepers, a matter's and a
client's billing terms."""
