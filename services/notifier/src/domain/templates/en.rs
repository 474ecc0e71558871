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
        RequestMerged => (
            "[Glocal] Request {{ number }} was merged into {{ originalNumber }}",
            "The bureau found that request {{ number }}{% if title %} ({{ title }}){% endif %} asks for the same as request {{ originalNumber }} and merged it there; the answer will come on {{ originalNumber }}. What you filed stays readable from both.{% if note %}\n\n{{ note }}{% endif %}\n\nSee it: {{ link }}\n",
        ),
        RequestSlaWarning => (
            "[Glocal] Request {{ number }} is nearly due{% if target == 'FIRST_RESPONSE' %} for its first response{% endif %}",
            "{% if target == 'FIRST_RESPONSE' %}The first response to request {{ number }} is due soon{% else %}Request {{ number }} is due soon{% endif %}{% if dueAt %} ({{ dueAt|when }}){% endif %}.\n\nOpen it: {{ link }}\n",
        ),
        RequestSlaBreached => (
            "[Glocal] Request {{ number }} is overdue{% if target == 'FIRST_RESPONSE' %} for its first response{% endif %}",
            "{% if target == 'FIRST_RESPONSE' %}Request {{ number }} missed its first-response time{% else %}Request {{ number }} missed its due time{% endif %}{% if dueAt %} ({{ dueAt|when }}){% endif %}.\n\nOpen it: {{ link }}\n",
        ),
        EventSeatOffered => (
            "[Glocal] A seat is free for you{% if title %} at {{ title }}{% endif %}",
            "A seat freed up at {% if title %}{{ title }}, {% endif %}an event you are waitlisted for, and it is offered to you.{% if expiresAt %}\nAccept by {{ expiresAt|when }}, or it goes to the next in line.{% endif %}\n\nAccept: {{ link }}\n",
        ),
        EventRegistrationConfirmed => (
            "[Glocal] Your registration is confirmed{% if title %}: {{ title }}{% endif %}",
            "{% if title %}Your seat at {{ title }} is confirmed.{% else %}Your event registration is confirmed.{% endif %}\n\nSee the event: {{ link }}\n",
        ),
        EventGuestConfirmation => (
            "[Glocal] Confirm your registration{% if title %} for {{ title }}{% endif %}",
            "You asked for a seat{% if title %} at {{ title }}{% endif %} as a guest. To confirm your registration, open the link below or enter this code:\n\n{{ token }}\n{% if expiresAt %}\nThe code is valid until {{ expiresAt|when }}.{% endif %} If you did not ask for it, ignore this e-mail.\n\nConfirm: {{ link }}\n",
        ),
        ApplicationAccepted => (
            "[Glocal] Your training application was accepted{% if title %}: {{ title }}{% endif %}",
            "Congratulations: your application{% if title %} to {{ title }}{% endif %} was accepted.\n\nSee it: {{ link }}\n",
        ),
        ApplicationWaitlisted => (
            "[Glocal] Your training application is on the waitlist{% if title %}: {{ title }}{% endif %}",
            "Your application{% if title %} to {{ title }}{% endif %} is on the waitlist; you will hear from us in turn if a place frees up.\n\nSee it: {{ link }}\n",
        ),
        ApplicationRefused => (
            "[Glocal] About your training application{% if title %}: {{ title }}{% endif %}",
            "We are sorry: your application{% if title %} to {{ title }}{% endif %} was not accepted this time.\n\nSee it: {{ link }}\n",
        ),
        CertificateIssued => (
            "[Glocal] Your certificate has been issued{% if title %}: {{ title }}{% endif %}",
            "Your certificate{% if title %} for {{ title }}{% endif %}{% if code %} ({{ code }}){% endif %} has been issued.\n\nSee it: {{ link }}\n",
        ),
        ResearchPracticePublished => (
            "[Glocal] New best practice{% if area %} in {{ area }}{% endif %}{% if title %}: {{ title }}{% endif %}",
            "A best practice matching your subscription was published in the library.{% if title %}\n\n{{ title }}{% endif %}{% if area %}\nResearch area: {{ area }}{% endif %}\n\nRead it: {{ link }}\n\nYou subscribed to new best practices; change or end your subscriptions in the portal.\n",
        ),
        ResearchDigest => (
            "[Glocal] New best practices this week{% if from %} ({{ from }} – {{ to }}){% endif %}",
            "{% if practices %}Best practices published in the library{% if from %} from {{ from }} to {{ to }}{% endif %} that match your subscriptions:\n{% for p in practices %}\n- {{ p.title }}{% if p.area %} ({{ p.area }}){% endif %}\n  {{ p.link }}{% endfor %}{% else %}No new best practices this week.{% endif %}\n\nThe library: {{ link }}\n",
        ),
    }
}
