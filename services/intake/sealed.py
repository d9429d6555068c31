"""What intake seals (libs.common.privacy), each under its purpose and document id, and
where: the one list `rekey` walks to re-seal everything under a new key."""
from __future__ import annotations

REPORTER = "reporter"  # reports.reporter_sealed, doc id = report id
STATUS_TOKEN = "status-token"  # webhook_batches.items[].token_sealed, doc id = the item's report id
VOLUNTEER = "volunteer"  # volunteers.sealed, doc id = volunteer id
PLATFORM_SECRET = "platform-secret"  # platforms.secret_sealed, doc id = platform id
