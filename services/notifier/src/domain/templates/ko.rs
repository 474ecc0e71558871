//! 한국어 알림 문안.

use crate::domain::NoticeKind::{self, *};

pub(super) fn source(kind: NoticeKind) -> (&'static str, &'static str) {
    match kind {
        RequestRegistered => (
            "[Glocal] 요청 {{ number }}이(가) 접수되었습니다",
            "요청이 접수되었습니다.\n접수번호: {{ number }}{% if title %}\n제목: {{ title }}{% endif %}{% if dueAt %}\n처리 기한: {{ dueAt|when }}{% endif %}\n\n진행 상황: {{ link }}\n",
        ),
        RequestAssigned => (
            "[Glocal] 요청 {{ number }}이(가) 배정되었습니다",
            "요청 {{ number }}{% if title %} ({{ title }}){% endif %}이(가) 담당자로 배정되었습니다.{% if dueAt %}\n처리 기한: {{ dueAt|when }}{% endif %}\n\n요청 보기: {{ link }}\n",
        ),
        RequestMidResponse => (
            "[Glocal] 요청 {{ number }}에 중간 답변이 도착했습니다",
            "요청 {{ number }}에 대한 중간 답변입니다.{% if message %}\n\n{{ message }}{% endif %}\n\n답변 보기: {{ link }}\n",
        ),
        RequestQuestion => (
            "[Glocal] 요청 {{ number }}에 대한 질문이 있습니다",
            "담당자가 요청 {{ number }}에 대해 질문했습니다.{% if message %}\n\n{{ message }}{% endif %}\n\n답변하기: {{ link }}\n",
        ),
        RequestReply => (
            "[Glocal] 요청 {{ number }}에 요청자의 답변이 왔습니다",
            "요청자가 요청 {{ number }}에 답변했습니다.{% if message %}\n\n{{ message }}{% endif %}\n\n요청 보기: {{ link }}\n",
        ),
        RequestFinalResponse => (
            "[Glocal] 요청 {{ number }}에 최종 답변이 도착했습니다",
            "요청 {{ number }}에 대한 최종 답변입니다.{% if message %}\n\n{{ message }}{% endif %}\n\n답변 보기: {{ link }}\n",
        ),
        RequestMerged => (
            "[Glocal] 요청 {{ number }}이(가) {{ originalNumber }}에 병합되었습니다",
            "요청 {{ number }}{% if title %} ({{ title }}){% endif %}이(가) 요청 {{ originalNumber }}과(와) 같은 내용이어서 그 요청에 병합되었습니다. 답변은 {{ originalNumber }}에서 드립니다. 제출하신 내용은 두 요청 모두에서 볼 수 있습니다.{% if note %}\n\n{{ note }}{% endif %}\n\n요청 보기: {{ link }}\n",
        ),
        RequestSlaWarning => (
            "[Glocal] 요청 {{ number }}의 {% if target == 'FIRST_RESPONSE' %}첫 응답 기한{% else %}처리 기한{% endif %}이 다가옵니다",
            "요청 {{ number }}의 {% if target == 'FIRST_RESPONSE' %}첫 응답 기한{% else %}처리 기한{% endif %}{% if dueAt %}({{ dueAt|when }}){% endif %}이 곧 지납니다.\n\n요청 보기: {{ link }}\n",
        ),
        RequestSlaBreached => (
            "[Glocal] 요청 {{ number }}의 {% if target == 'FIRST_RESPONSE' %}첫 응답 기한{% else %}처리 기한{% endif %}이 지났습니다",
            "요청 {{ number }}이(가) {% if target == 'FIRST_RESPONSE' %}첫 응답 기한{% else %}처리 기한{% endif %}{% if dueAt %}({{ dueAt|when }}){% endif %}을 넘겼습니다.\n\n요청 보기: {{ link }}\n",
        ),
        EventSeatOffered => (
            "[Glocal] {% if title %}{{ title }}에 {% else %}대기 중인 행사에 {% endif %}자리가 났습니다",
            "대기자 명단에 있던 행사{% if title %} {{ title }}{% endif %}에 자리가 생겨 제안드립니다.{% if expiresAt %}\n{{ expiresAt|when }}까지 수락하지 않으면 다음 대기자에게 넘어갑니다.{% endif %}\n\n수락하기: {{ link }}\n",
        ),
        EventRegistrationConfirmed => (
            "[Glocal] 행사 등록이 확정되었습니다{% if title %}: {{ title }}{% endif %}",
            "{% if title %}{{ title }} 참가 자리가 확정되었습니다.{% else %}행사 등록이 확정되었습니다.{% endif %}\n\n행사 보기: {{ link }}\n",
        ),
        EventGuestConfirmation => (
            "[Glocal] 등록을 확인해 주십시오{% if title %}: {{ title }}{% endif %}",
            "{% if title %}{{ title }}에 {% endif %}비회원으로 참가 신청하셨습니다. 아래 링크를 열거나 다음 확인 코드를 입력하여 등록을 확정해 주십시오.\n\n{{ token }}\n{% if expiresAt %}\n확인 코드는 {{ expiresAt|when }}까지 유효합니다.{% endif %} 신청하지 않으셨다면 이 메일을 무시하십시오.\n\n확인하기: {{ link }}\n",
        ),
        ApplicationAccepted => (
            "[Glocal] 연수 신청이 승인되었습니다{% if title %}: {{ title }}{% endif %}",
            "축하합니다. {% if title %}{{ title }} {% endif %}연수 신청이 승인되었습니다.\n\n신청 보기: {{ link }}\n",
        ),
        ApplicationWaitlisted => (
            "[Glocal] 연수 신청이 대기자 명단에 올랐습니다{% if title %}: {{ title }}{% endif %}",
            "{% if title %}{{ title }} {% endif %}연수 신청이 대기자 명단에 올랐습니다. 자리가 나면 순서대로 안내드립니다.\n\n신청 보기: {{ link }}\n",
        ),
        ApplicationRefused => (
            "[Glocal] 연수 신청 결과 안내{% if title %}: {{ title }}{% endif %}",
            "아쉽게도 이번 {% if title %}{{ title }} {% endif %}연수 신청은 승인되지 않았습니다.\n\n신청 보기: {{ link }}\n",
        ),
        CertificateIssued => (
            "[Glocal] 수료증이 발급되었습니다{% if title %}: {{ title }}{% endif %}",
            "{% if title %}{{ title }} {% endif %}수료증{% if code %}({{ code }}){% endif %}이 발급되었습니다.\n\n수료증 보기: {{ link }}\n",
        ),
        ResearchPracticePublished => (
            "[Glocal] 새 우수사례{% if area %}({{ area }}){% endif %}{% if title %}: {{ title }}{% endif %}",
            "구독하신 조건에 맞는 우수사례가 라이브러리에 게시되었습니다.{% if title %}\n\n{{ title }}{% endif %}{% if area %}\n연구 분야: {{ area }}{% endif %}\n\n사례 보기: {{ link }}\n\n새 우수사례 구독을 신청하셔서 보내 드리는 알림입니다. 구독은 포털에서 변경하거나 해지할 수 있습니다.\n",
        ),
        ResearchDigest => (
            "[Glocal] 이번 주 새 우수사례{% if from %} ({{ from }} – {{ to }}){% endif %}",
            "{% if practices %}{% if from %}{{ from }}부터 {{ to }}까지 {% endif %}라이브러리에 게시된 우수사례 중 구독 조건에 맞는 사례입니다.\n{% for p in practices %}\n- {{ p.title }}{% if p.area %} ({{ p.area }}){% endif %}\n  {{ p.link }}{% endfor %}{% else %}이번 주에는 새 우수사례가 없습니다.{% endif %}\n\n라이브러리: {{ link }}\n",
        ),
    }
}
