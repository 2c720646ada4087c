"""The pages about people (/moi/): above `accounts` (identity, skills, tokens) because a person's
roles in networks and places and their network-visible skills need `networks` and `places`."""
