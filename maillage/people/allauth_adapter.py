"""allauth's account e-mails (address confirmation, password reset) through the one mail path."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from maillage.lib.client_ip import client_ip
from maillage.notifications.mail import Mail, deliver_now


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """Login throttling counts the visitor, also behind trusted proxies."""
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render as allauth does, then record and deliver at once: the person is waiting for
        this message on the next page (a failure is recorded and retried like any other)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request),
             **context},
        )  # fmt: skip
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            "",
        )
        deliver_now(
            [Mail(subject=message.subject, body=message.body, to=tuple(message.to), html=html)]
        )
