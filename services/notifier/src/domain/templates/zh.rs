//! 中文通知文本。

use crate::domain::NoticeKind::{self, *};

pub(super) fn source(kind: NoticeKind) -> (&'static str, &'static str) {
    match kind {
        RequestRegistered => (
            "[Glocal] 申请 {{ number }} 已受理",
            "您的申请已受理。\n编号：{{ number }}{% if title %}\n标题：{{ title }}{% endif %}{% if dueAt %}\n办理期限：{{ dueAt|when }}{% endif %}\n\n查看进度：{{ link }}\n",
        ),
        RequestAssigned => (
            "[Glocal] 申请 {{ number }} 已分配给您",
            "申请 {{ number }}{% if title %}（{{ title }}）{% endif %} 已分配给您负责。{% if dueAt %}\n办理期限：{{ dueAt|when }}{% endif %}\n\n查看申请：{{ link }}\n",
        ),
        RequestMidResponse => (
            "[Glocal] 申请 {{ number }} 收到中间答复",
            "关于申请 {{ number }} 的中间答复如下。{% if message %}\n\n{{ message }}{% endif %}\n\n查看答复：{{ link }}\n",
        ),
        RequestQuestion => (
            "[Glocal] 关于申请 {{ number }} 的提问",
            "负责人对申请 {{ number }} 提出了问题。{% if message %}\n\n{{ message }}{% endif %}\n\n回复：{{ link }}\n",
        ),
        RequestReply => (
            "[Glocal] 申请人已回复申请 {{ number }}",
            "申请人已回复申请 {{ number }}。{% if message %}\n\n{{ message }}{% endif %}\n\n查看申请：{{ link }}\n",
        ),
        RequestFinalResponse => (
            "[Glocal] 申请 {{ number }} 收到最终答复",
            "关于申请 {{ number }} 的最终答复如下。{% if message %}\n\n{{ message }}{% endif %}\n\n查看答复：{{ link }}\n",
        ),
        RequestMerged => (
            "[Glocal] 申请 {{ number }} 已合并到 {{ originalNumber }}",
            "申请 {{ number }}{% if title %}（{{ title }}）{% endif %}与申请 {{ originalNumber }} 内容相同，已合并到该申请；答复将在 {{ originalNumber }} 中给出。您提交的内容在两处均可查看。{% if note %}\n\n{{ note }}{% endif %}\n\n查看申请：{{ link }}\n",
        ),
        RequestSlaWarning => (
            "[Glocal] 申请 {{ number }} 的{% if target == 'FIRST_RESPONSE' %}首次答复{% else %}办理{% endif %}期限即将到期",
            "申请 {{ number }} 的{% if target == 'FIRST_RESPONSE' %}首次答复期限{% else %}办理期限{% endif %}{% if dueAt %}（{{ dueAt|when }}）{% endif %}即将到来。\n\n查看申请：{{ link }}\n",
        ),
        RequestSlaBreached => (
            "[Glocal] 申请 {{ number }} 已超{% if target == 'FIRST_RESPONSE' %}首次答复期限{% else %}期{% endif %}",
            "申请 {{ number }} 已超过{% if target == 'FIRST_RESPONSE' %}首次答复期限{% else %}办理期限{% endif %}{% if dueAt %}（{{ dueAt|when }}）{% endif %}。\n\n查看申请：{{ link }}\n",
        ),
        EventSeatOffered => (
            "[Glocal] {% if title %}{{ title }}{% else %}您候补的活动{% endif %}有空位了",
            "您候补的活动{% if title %}“{{ title }}”{% endif %}空出了名额，现提供给您。{% if expiresAt %}\n请在 {{ expiresAt|when }} 前接受，否则名额将转给下一位候补者。{% endif %}\n\n接受：{{ link }}\n",
        ),
        EventRegistrationConfirmed => (
            "[Glocal] 活动报名已确认{% if title %}：{{ title }}{% endif %}",
            "{% if title %}您在“{{ title }}”的席位已确认。{% else %}您的活动报名已确认。{% endif %}\n\n查看活动：{{ link }}\n",
        ),
        EventGuestConfirmation => (
            "[Glocal] 请确认您的报名{% if title %}：{{ title }}{% endif %}",
            "您以访客身份申请了{% if title %}“{{ title }}”的{% endif %}席位。请打开下面的链接或输入以下确认码以确认报名：\n\n{{ token }}\n{% if expiresAt %}\n确认码有效期至 {{ expiresAt|when }}。{% endif %}如果您没有提出申请，请忽略此邮件。\n\n确认：{{ link }}\n",
        ),
        ApplicationAccepted => (
            "[Glocal] 研修申请已获批准{% if title %}：{{ title }}{% endif %}",
            "恭喜：您的{% if title %}“{{ title }}”{% endif %}研修申请已获批准。\n\n查看申请：{{ link }}\n",
        ),
        ApplicationWaitlisted => (
            "[Glocal] 研修申请已列入候补名单{% if title %}：{{ title }}{% endif %}",
            "您的{% if title %}“{{ title }}”{% endif %}研修申请已列入候补名单，如有名额将依次通知。\n\n查看申请：{{ link }}\n",
        ),
        ApplicationRefused => (
            "[Glocal] 研修申请结果通知{% if title %}：{{ title }}{% endif %}",
            "很遗憾，您本次的{% if title %}“{{ title }}”{% endif %}研修申请未获批准。\n\n查看申请：{{ link }}\n",
        ),
        CertificateIssued => (
            "[Glocal] 结业证书已签发{% if title %}：{{ title }}{% endif %}",
            "您的{% if title %}“{{ title }}”{% endif %}结业证书{% if code %}（{{ code }}）{% endif %}已签发。\n\n查看证书：{{ link }}\n",
        ),
        ResearchPracticePublished => (
            "[Glocal] 新的优秀案例{% if area %}（{{ area }}）{% endif %}{% if title %}：{{ title }}{% endif %}",
            "符合您订阅条件的优秀案例已在案例库中发布。{% if title %}\n\n{{ title }}{% endif %}{% if area %}\n研究领域：{{ area }}{% endif %}\n\n查看案例：{{ link }}\n\n您订阅了新发布的优秀案例，因此收到此通知；可在门户网站中修改或取消订阅。\n",
        ),
        ResearchDigest => (
            "[Glocal] 本周新的优秀案例{% if from %}（{{ from }} – {{ to }}）{% endif %}",
            "{% if practices %}{% if from %}{{ from }}至{{ to }}期间{% endif %}案例库中发布的、符合您订阅条件的优秀案例：\n{% for p in practices %}\n- {{ p.title }}{% if p.area %}（{{ p.area }}）{% endif %}\n  {{ p.link }}{% endfor %}{% else %}本周没有新的优秀案例。{% endif %}\n\n案例库：{{ link }}\n",
        ),
    }
}
