//! Notices in English.

use crate::domain::NoticeKind::{self, *};

pub(super) fn source(kind: NoticeKind) -> (&'static str, &'static str) {
    match kind {
        RequestRegistered => (
            "[Glocal] Request {{ number }} registered",
            "Your request has been registered.\nNumber: {{ number }}{% if title %}\nTitle: {{ title }}{% endif %}{% if dueAt %}\nDue by: {{ dueAt|when }}{% endif %}\n\nFollow it: {{ link }}\n",
        ),
        RequestAssigned => (
            "[Glocal] Request {{ number }} assigned to you",
            "Request {{ number }}{% if title %} ({{ title }}){% endif %} has been assigned to you.{% if dueAt %}\nDue by: {{ dueAt|when }}{% endif %}\n\nOpen it: {{ link }}\n",
        ),
        RequestMidResponse => (
            "[Glocal] Mid-response to request {{ number }}",
            "The bureau sent a mid-response to request {{ number }}.{% if message %}\n\n{{ message }}{% endif %}\n\nRead it: {{ link }}\n",
        ),
        RequestQuestion => (
            "[Glocal] A question about request {{ number }}",
            "The bureau has a question about request {{ number }}.{% if message %}\n\n{{ message }}{% endif %}\n\nReply: {{ link }}\n",
        ),
        RequestReply => (
            "[Glocal] The requester replied on request {{ number }}",
            "The requester replied on request {{ number }}.{% if message %}\n\n{{ message }}{% endif %}\n\nOpen it: {{ link }}\n",
        ),
        RequestFinalResponse => (
            "[Glocal] Final response to request {{ number }}",
            "The bureau sent the final response to request {{ number }}.{% if message %}\n\n{{ message }}{% endif %}\n\nRead it: {{ link }}\n",
        ),
        RequestSlaWarning => (
            "[Glocal] Request {{ number }} is nearly due",
            "Request {{ number }} is due soon{% if dueAt %} ({{ dueAt|when }}){% endif %}.\n\nOpen it: {{ link }}\n",
        ),
        RequestSlaBreached => (
            "[Glocal] Request {{ number }} is overdue",
            "Request {{ number }} missed its due time{% if dueAt %} ({{ dueAt|when }}){% endif %}.\n\nOpen it: {{ link }}\n",
        ),
        EventSeatOffered => (
            "[Glocal] A seat is free for you",
            "A seat freed up at an event you are waitlisted for, and it is offered to you.{% if expiresAt %}\nAccept by {{ expiresAt|when }}, or it goes to the next in line.{% endif %}\n\nAccept: {{ link }}\n",
        ),
        EventRegistrationConfirmed => (
            "[Glocal] Your registration is confirmed",
            "Your event registration is confirmed.\n\nSee the event: {{ link }}\n",
        ),
        ApplicationAccepted => (
            "[Glocal] Your training application was accepted",
            "Congratulations: your training application was accepted.\n\nSee it: {{ link }}\n",
        ),
        ApplicationWaitlisted => (
            "[Glocal] Your training application is on the waitlist",
            "Your training application is on the waitlist; you will hear from us in turn if a place frees up.\n\nSee it: {{ link }}\n",
        ),
        ApplicationRefused => (
            "[Glocal] About your training application",
            "We are sorry: your training application was not accepted this time.\n\nSee it: {{ link }}\n",
        ),
        CertificateIssued => (
            "[Glocal] Your certificate has been issued",
            "Your certificate{% if code %} ({{ code }}){% endif %} has been issued.\n\nSee it: {{ link }}\n",
        ),
    }
}
