"""A circle's tools (chat room, shared folders, pad, documentation): links shown by role —
to everyone, to the circle's members, or to its soucieux·ses only. The soucieux·ses and the
network's coordinators manage them."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles.selectors import can_manage_circle, is_circle_member, is_steward
from maillage.communication.models import CircleTool
from maillage.lib.refusals import Refusal


class ToolError(Refusal):
    pass


class NotAllowed(ToolError):
    status = 403
    message = _("Seul·es les soucieux·ses du cercle et la coordination gèrent ses outils.")


def can_manage_tools(*, user, circle) -> bool:
    return is_steward(user=user, circle=circle) or can_manage_circle(user=user, circle=circle)


def visible_tools(
    *, user, circle, may_manage: bool | None = None, is_member: bool | None = None
) -> list[CircleTool]:
    """The tools this person may see: the private links never reach who may not use them.

    `may_manage`, `is_member`: when the caller (the circle's page) already knows them."""
    allowed = {CircleTool.Visibility.PUBLIC}
    if may_manage is None:
        may_manage = can_manage_tools(user=user, circle=circle)
    if is_member is None and not may_manage:
        is_member = is_circle_member(user=user, circle=circle)
    if may_manage:
        allowed |= {CircleTool.Visibility.MEMBERS, CircleTool.Visibility.STEWARDS}
    elif is_member:
        allowed.add(CircleTool.Visibility.MEMBERS)
    return list(CircleTool.objects.filter(circle=circle, visibility__in=allowed))


def add_tool(*, by: User, circle, kind: str, label: str, url: str, visibility: str) -> CircleTool:
    if not can_manage_tools(user=by, circle=circle):
        raise NotAllowed
    if kind not in CircleTool.Kind.values:
        raise ToolError(_("Choisissez le type d'outil."), field="kind")
    if visibility not in CircleTool.Visibility.values:
        raise ToolError(_("Choisissez qui voit ce lien."), field="visibility")
    if not label.strip():
        raise ToolError(_("Donnez un libellé à l'outil."), field="label")
    if not url.startswith("https://"):
        raise ToolError(_("L'adresse doit commencer par https://."), field="url")
    return CircleTool.objects.create(
        circle=circle, kind=kind, label=label.strip(), url=url, visibility=visibility, created_by=by
    )


def remove_tool(*, by: User, tool: CircleTool) -> None:
    if not can_manage_tools(user=by, circle=tool.circle):
        raise NotAllowed
    tool.delete()
