"""The directory's features, above `places` (the records) and `networks`: search (page, map, embed,
people), freshness (score, confirmation links, reminders, dashboard), transfer (imports) and
open data (exports, licences), and the JSON API of places. Their models stay in `places`."""
