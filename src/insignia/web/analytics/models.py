"""What issuers learn about their badges, counted without following anybody.

An :class:`Event` says only *what* happened (a page view, a share, a download…), to which
badge (and credential), through which channel, and on which day.  There is no time of day,
no address, no user agent, no cookie and no user: nothing that could single out a visitor.
Events of past days are folded into :class:`DailyCount` rows by ``analytics_rollup`` and then
deleted, so the long-term store holds counts only.
"""

from __future__ import annotations

from django.db import models

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation


class Kind(models.TextChoices):
    """What was counted."""

    VIEW = "view", "Page views"
    SHARE = "share", "Shares"
    LINKEDIN_ADD = "linkedin_add", "Added to LinkedIn"
    VERIFY = "verify", "Verifications"
    DOWNLOAD = "download", "Downloads"
    CLICK = "click", "Clicks to the programme page"


class Channel(models.TextChoices):
    """Where it happened: the network, the place a link was put, or the file format."""

    DIRECT = "direct", "Direct or unknown"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    EMAIL = "email", "Email"
    WHATSAPP = "whatsapp", "WhatsApp"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    EMBED = "embed", "Website embed"
    SIGNATURE = "signature", "Email signature"
    PROFILE = "profile", "Learner profile"
    QR = "qr", "Printed certificate (QR code)"
    WEB = "web", "Other websites"
    API = "api", "Verification API"
    JSON_LD = "json-ld", "Credential document"
    PNG = "png", "Baked PNG"
    SVG = "svg", "Baked SVG"
    JSON = "json", "Credential JSON"
    PDF = "pdf", "PDF certificate"
    WALLET = "wallet", "Digital wallet"


class Event(models.Model):
    """One counted occurrence (no personal data; see the module docstring)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.DIRECT)
    day = models.DateField()

    class Meta:
        indexes = [  # noqa: RUF012
            models.Index(fields=["organisation", "day"]),
            models.Index(fields=["achievement", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.channel}"


class DailyCount(models.Model):
    """How many events of one kind and channel one badge had on one day."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["achievement", "day", "kind", "channel"], name="daily_count_unique"
            ),
        ]
        indexes = [  # noqa: RUF012
            models.Index(fields=["organisation", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.channel}: {self.count}"
