//! 日本語の通知文。

use crate::domain::NoticeKind::{self, *};

pub(super) fn source(kind: NoticeKind) -> (&'static str, &'static str) {
    match kind {
        RequestRegistered => (
            "[Glocal] 依頼 {{ number }} を受け付けました",
            "ご依頼を受け付けました。\n受付番号：{{ number }}{% if title %}\n件名：{{ title }}{% endif %}{% if dueAt %}\n対応期限：{{ dueAt|when }}{% endif %}\n\n進捗を見る：{{ link }}\n",
        ),
        RequestAssigned => (
            "[Glocal] 依頼 {{ number }} の担当になりました",
            "依頼 {{ number }}{% if title %}（{{ title }}）{% endif %} の担当に割り当てられました。{% if dueAt %}\n対応期限：{{ dueAt|when }}{% endif %}\n\n依頼を見る：{{ link }}\n",
        ),
        RequestMidResponse => (
            "[Glocal] 依頼 {{ number }} に中間回答が届きました",
            "依頼 {{ number }} への中間回答です。{% if message %}\n\n{{ message }}{% endif %}\n\n回答を見る：{{ link }}\n",
        ),
        RequestQuestion => (
            "[Glocal] 依頼 {{ number }} について質問があります",
            "担当者から依頼 {{ number }} について質問があります。{% if message %}\n\n{{ message }}{% endif %}\n\n返信する：{{ link }}\n",
        ),
        RequestReply => (
            "[Glocal] 依頼 {{ number }} に依頼者から返信がありました",
            "依頼者が依頼 {{ number }} に返信しました。{% if message %}\n\n{{ message }}{% endif %}\n\n依頼を見る：{{ link }}\n",
        ),
        RequestFinalResponse => (
            "[Glocal] 依頼 {{ number }} に最終回答が届きました",
            "依頼 {{ number }} への最終回答です。{% if message %}\n\n{{ message }}{% endif %}\n\n回答を見る：{{ link }}\n",
        ),
        RequestMerged => (
            "[Glocal] 依頼 {{ number }} は {{ originalNumber }} に統合されました",
            "依頼 {{ number }}{% if title %}（{{ title }}）{% endif %}は依頼 {{ originalNumber }} と同じ内容のため、そちらに統合されました。回答は {{ originalNumber }} でお届けします。ご提出の内容はどちらからもご覧いただけます。{% if note %}\n\n{{ note }}{% endif %}\n\n依頼を見る：{{ link }}\n",
        ),
        RequestSlaWarning => (
            "[Glocal] 依頼 {{ number }} の{% if target == 'FIRST_RESPONSE' %}初回回答{% endif %}期限が迫っています",
            "依頼 {{ number }} の{% if target == 'FIRST_RESPONSE' %}初回回答期限{% else %}対応期限{% endif %}{% if dueAt %}（{{ dueAt|when }}）{% endif %}が近づいています。\n\n依頼を見る：{{ link }}\n",
        ),
        RequestSlaBreached => (
            "[Glocal] 依頼 {{ number }} が{% if target == 'FIRST_RESPONSE' %}初回回答{% endif %}期限を過ぎました",
            "依頼 {{ number }} は{% if target == 'FIRST_RESPONSE' %}初回回答期限{% else %}対応期限{% endif %}{% if dueAt %}（{{ dueAt|when }}）{% endif %}を過ぎました。\n\n依頼を見る：{{ link }}\n",
        ),
        EventSeatOffered => (
            "[Glocal] {% if title %}{{ title }}{% else %}キャンセル待ちの行事{% endif %}に空きが出ました",
            "キャンセル待ちの行事{% if title %}「{{ title }}」{% endif %}に空きが出たため、ご案内します。{% if expiresAt %}\n{{ expiresAt|when }} までに承諾されない場合、次の方にご案内します。{% endif %}\n\n承諾する：{{ link }}\n",
        ),
        EventRegistrationConfirmed => (
            "[Glocal] 行事の参加登録が確定しました{% if title %}：{{ title }}{% endif %}",
            "{% if title %}「{{ title }}」のお席が確定しました。{% else %}行事の参加登録が確定しました。{% endif %}\n\n行事を見る：{{ link }}\n",
        ),
        EventGuestConfirmation => (
            "[Glocal] 登録の確認をお願いします{% if title %}：{{ title }}{% endif %}",
            "ゲストとして{% if title %}「{{ title }}」の{% endif %}参加を申し込まれました。下のリンクを開くか、次の確認コードを入力して登録を確定してください。\n\n{{ token }}\n{% if expiresAt %}\n確認コードは {{ expiresAt|when }} まで有効です。{% endif %}お申し込みに心当たりがない場合は、このメールを無視してください。\n\n確認する：{{ link }}\n",
        ),
        ApplicationAccepted => (
            "[Glocal] 研修への応募が承認されました{% if title %}：{{ title }}{% endif %}",
            "おめでとうございます。{% if title %}「{{ title }}」{% endif %}研修への応募が承認されました。\n\n応募を見る：{{ link }}\n",
        ),
        ApplicationWaitlisted => (
            "[Glocal] 研修への応募がキャンセル待ちになりました{% if title %}：{{ title }}{% endif %}",
            "{% if title %}「{{ title }}」{% endif %}研修への応募はキャンセル待ちとなりました。空きが出次第、順にご案内します。\n\n応募を見る：{{ link }}\n",
        ),
        ApplicationRefused => (
            "[Glocal] 研修への応募結果のお知らせ{% if title %}：{{ title }}{% endif %}",
            "残念ながら、今回の{% if title %}「{{ title }}」{% endif %}研修への応募は承認されませんでした。\n\n応募を見る：{{ link }}\n",
        ),
        CertificateIssued => (
            "[Glocal] 修了証が発行されました{% if title %}：{{ title }}{% endif %}",
            "{% if title %}「{{ title }}」の{% endif %}修了証{% if code %}（{{ code }}）{% endif %}が発行されました。\n\n修了証を見る：{{ link }}\n",
        ),
        ResearchPracticePublished => (
            "[Glocal] 新しい優良事例{% if area %}（{{ area }}）{% endif %}{% if title %}：{{ title }}{% endif %}",
            "購読条件に合う優良事例がライブラリに公開されました。{% if title %}\n\n{{ title }}{% endif %}{% if area %}\n研究分野：{{ area }}{% endif %}\n\n事例を見る：{{ link }}\n\n新しい優良事例を購読されているため、このお知らせをお送りしています。購読はポータルで変更・解除できます。\n",
        ),
        ResearchDigest => (
            "[Glocal] 今週の新しい優良事例{% if from %}（{{ from }} – {{ to }}）{% endif %}",
            "{% if practices %}{% if from %}{{ from }}から{{ to }}までに{% endif %}ライブラリに公開された、購読条件に合う優良事例です。\n{% for p in practices %}\n- {{ p.title }}{% if p.area %}（{{ p.area }}）{% endif %}\n  {{ p.link }}{% endfor %}{% else %}今週は新しい優良事例はありません。{% endif %}\n\nライブラリ：{{ link }}\n",
        ),
    }
}
