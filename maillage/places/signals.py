"""What the places core announces to the directory's features above it.

`places` sits below `networks` and the directory features (search, freshness), so it cannot call
them; it sends `place_changed` inside the write's transaction and `maillage.directory` answers
(re-index the place for search, recompute its freshness score). A receiver that fails rolls the
write back, as a direct call did.
"""

from django.dispatch import Signal

# Sent with `place` after its record, spaces, equipment or photos changed; `searchable` is False
# when nothing the search indexes changed (photos), so only the freshness score is recomputed.
place_changed = Signal()
