"""The ledger's tests build real money stories through its clients' services."""

from maillage.circles.tests.conftest import (  # noqa: F401
    action,
    circle,
    contributor,
    participant,
    steward,
)
from maillage.mobility.tests.conftest import host_membership, offer, scheme  # noqa: F401
