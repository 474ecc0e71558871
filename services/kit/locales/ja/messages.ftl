# 人が読むメッセージ：日本語。すべてのキーは ko、en、zh に同じプレースホルダーで存在しなければなりません。

## より具体的なメッセージがないときのエラーの文言（extensions.code ごと）。
code-unauthenticated = 認証が必要です
code-forbidden = この操作を行う権限がありません
code-not-found = 見つからないか、閲覧できません
code-bad-user-input = リクエストが正しくありません
code-bad-user-input-field = 入力 `{ $field }` が正しくありません
code-conflict = 現在の状態ではこの変更はできません
code-unavailable = サービスを利用できません。しばらくしてから再試行してください
code-internal = 内部エラーが発生しました

## 解析できない入力（BAD_USER_INPUT）。
input-required = 必須項目です
input-too-short = { $min } 文字以上で入力してください
input-too-long = { $max } 文字以内で入力してください（入力：{ $got } 文字）
input-control-characters = 制御文字を含めることはできません
input-one-line = 制御文字を含まない 1 行で入力してください
input-unknown-value = 不明な値 `{ $value }`
input-language-code = ISO 639-1 の言語コードを指定してください：ISO のリストにある小文字 2 文字（例："ko"）
input-country-code = ISO 3166-1 alpha-2 の国コードを指定してください：ISO のリストにある大文字 2 文字（例："JP"）
input-version = 参照したバージョンを指定してください（1 以上）

## すべてのサービスに共通のエラー。
error-unauthenticated = 認証が必要です
error-not-found = { $what } が見つかりません
error-stale-version = バージョン { $seen } は古くなっています。現在のバージョンは { $current } です

## ゲートウェイのドキュメント制限。
limit-depth = クエリのネストが深すぎます。最大 { $max } 階層まで許可されています
limit-document-bytes = ドキュメントは { $bytes } バイトです。最大 { $max } バイトまで許可されています
limit-complexity = クエリが複雑すぎます：フィールド { $count } 個。最大 { $max } 個まで許可されています
limit-aliases = エイリアスが { $count } 個あります。最大 { $max } 個まで許可されています
limit-fragment-spreads = フラグメントの展開が { $count } 個あります。最大 { $max } 個まで許可されています
limit-directives = ディレクティブが { $count } 個あります。最大 { $max } 個まで許可されています
limit-variables = 変数が { $count } 個あります。最大 { $max } 個まで許可されています
limit-fragment-cycle = フラグメント "{ $fragment }" が自分自身を展開しています

## 研修：申請者が資格を満たさない理由（EligibilityFailure.reason）。
eligibility-not-published = この回は申請を受け付けていません
eligibility-window = 申請期間は { $from } から { $to } までです
eligibility-applicant-kind = この回は { $kinds } の申請者のみ受け付けます
eligibility-organisation-type = この回は { $types } のみが対象です
eligibility-korean-nationals = この回は韓国籍の方が対象です
eligibility-foreign-nationals = この回は外国籍の方が対象です
eligibility-grade-missing = この回は{ $bound ->
        [both] { $min } 級から { $max } 級まで
        [min] { $min } 級以下
        [max] { $max } 級以上
       *[any] すべての職級
    }が対象です：職級を入力してください
eligibility-grade-outside = この回は{ $bound ->
        [both] { $min } 級から { $max } 級まで
        [min] { $min } 級以下
        [max] { $max } 級以上
       *[any] すべての職級
    }が対象です。{ $grade } 級は対象外です
eligibility-languages = この回の使用言語は { $languages } です。いずれかを指定してください
eligibility-one-active = この回にはすでに進行中の申請（{ $application }）があります

## 研修：参加者に修了証が発行されなかった理由（CertificateSkip.reason）。
certificate-attendance = { $counted } 回中 { $attended } 回出席（{ $percent }% 以上の出席が必要）

## 依頼：解釈できない検索語（`query` の BAD_USER_INPUT）。
search-query-empty = 検索する語を一つ以上入力してください
search-query-too-long = 検索語は最大 { $max } 文字です（入力: { $got } 文字）
search-query-too-many-words = 検索語は最大 { $max } 語です（入力: { $got } 語）
search-query-word-too-short = 「{ $word }」は短すぎます：各語は { $min } 文字以上必要です

## 依頼：重複依頼の統合と関連依頼のリンク（extensions.reason MERGE_*、LINK_*）。
relation-merge-into-itself = 依頼 { $number } をそれ自身に統合することはできません
relation-merge-already-merged = 依頼 { $number } はすでに別の依頼に統合されています
relation-merge-into-merged = 依頼 { $number } 自体が別の依頼に統合されています。そちらに統合してください
relation-merge-into-closed = 依頼 { $number } は終了・取り下げ・却下済みのため、重複依頼を受け付けません
relation-merge-duplicate-closed = 依頼 { $number } は回答済みまたは完了しています。統合できるのは回答待ちの依頼だけです
relation-merge-has-duplicates = 依頼 { $number } には他の依頼が統合されているため、さらに統合することはできません
relation-merge-linked = 依頼 { $number } は他の依頼とリンクされています。統合の前にリンクを解除してください
relation-other-local-government = 依頼 { $number } は別の自治体の依頼です
relation-link-to-itself = 依頼 { $number } をそれ自身にリンクすることはできません
relation-link-merged = 依頼 { $number } は統合済みのためリンクできません
relation-link-has-parent = 依頼 { $number } はすでに別の依頼の下にリンクされています
relation-link-nested = 依頼 { $number } はすでにリンクに含まれています。リンクは一階層までです

## 研究：パートナーによる自機関のプロフィール管理（括弧内は extensions.reason）。
research-not-own-organisation = パートナーが変更できるのは自機関のプロフィールだけです
research-profile-change-pending = このプロフィールの変更はすでに審査待ちです
research-profile-change-decided = このプロフィールの変更はすでに審査済みです

## ゲートウェイのリクエスト上限（429）。
limit-rate = リクエストが多すぎます。{ $seconds } 秒後に再試行してください
limit-partner-quota = パートナーの上限（{ $window } 秒あたり { $limit } 件）を使い切りました。{ $seconds } 秒後に再試行してください

## アップロードされたファイル (ADR 0022, ADR 0026)：固定の理由コードが先頭に来ます。
file-too-large = FILE_TOO_LARGE: ファイルがここで許可される { $max } バイトを超えています
file-empty = EMPTY_FILE: ファイルが空です
file-unsupported-type = UNSUPPORTED_MEDIA_TYPE: 受け付けるのは PDF、画像（PNG、JPEG、GIF、WebP）、オフィス文書（Word、Excel、PowerPoint、HWP、HWPX、OpenDocument）、ZIP、プレーンテキストのみです。種類は名前ではなく内容で判断します
file-limit-count = ATTACHMENT_LIMIT: ここに添付できるファイルは最大 { $max } 件です
file-limit-bytes = ATTACHMENT_LIMIT: ここに添付するファイルは合計で最大 { $max } バイトです
file-name-path = パスや制御文字を含まないファイル名にしてください

## エクスポートした一覧（CSV、XLSX）の列見出し。
export-number = 受付番号
export-type = 種類
export-title = 件名
export-state = 状態
export-local-government = 地方自治体
export-department = 担当部署
export-assignee = 担当者
export-requester = 依頼者
export-submitted-at = 受付日時 (KST)
export-resolution-due-at = 処理期限 (KST)
export-first-response-at = 初回回答 (KST)
export-final-response-at = 最終回答 (KST)
## 呼び出し元 (ADR 0029)
error-caller-name-missing = トークンに名前（`name` または `preferred_username` クレーム）がなく、職員名簿にもこの主体がいません。名前を含むトークンで再度サインインしてください

## イベント：発表が参照する優良事例 (ADR 0029)
input-practice-unknown = 優良事例 `{ $id }` はありません（または閲覧できません）

## 列挙値のラベル (enumLabels, ADR 0029)：label-<列挙>-<値>
label-ApplicantKind-OFFICIAL = 公務員
label-ApplicantKind-LOCAL_GOVERNMENT = 地方自治体
label-ContributionDecision-ACCEPT = 採択
label-ContributionDecision-REJECT = 不採択
label-ContributionState-SUBMITTED = 提出済み
label-ContributionState-ACCEPTED = 採択済み
label-ContributionState-REJECTED = 不採択
label-ContributionState-WITHDRAWN = 取り下げ
label-EligibilityRule-PUBLISHED = 募集公開
label-EligibilityRule-APPLICATION_WINDOW = 申請期間
label-EligibilityRule-APPLICANT_KIND = 申請者の種類
label-EligibilityRule-ORGANISATION_TYPE = 機関の種類
label-EligibilityRule-NATIONALITY = 国籍
label-EligibilityRule-GRADE = 職級
label-EligibilityRule-LANGUAGE = 言語
label-EligibilityRule-ONE_ACTIVE_APPLICATION = 有効な申請は1件のみ
label-EmailDeliveryStatus-PENDING = 送信待ち
label-EmailDeliveryStatus-SENT = 送信済み
label-EmailDeliveryStatus-FAILED = 送信失敗
label-EmailStatus-NONE = メールなし
label-EmailStatus-PENDING = 送信待ち
label-EmailStatus-SENT = 送信済み
label-EmailStatus-FAILED = 送信失敗
label-EventAction-PUBLISH = 公開
label-EventAction-OPEN_REGISTRATION = 登録受付開始
label-EventAction-CLOSE_REGISTRATION = 登録受付終了
label-EventAction-START = 開始
label-EventAction-COMPLETE = 終了
label-EventAction-CANCEL = 中止
label-EventKind-CONFERENCE = 会議
label-EventKind-WORKSHOP = ワークショップ
label-EventKind-FORUM = フォーラム
label-EventKind-LECTURE = 講演
label-EventRegistrationKind-INDIVIDUAL = 個人
label-EventRegistrationKind-DELEGATION = 代表団
label-EventRegistrationState-PENDING = 保留中
label-EventRegistrationState-CONFIRMED = 確定
label-EventRegistrationState-WAITLISTED = キャンセル待ち
label-EventRegistrationState-OFFERED = 席の提供中
label-EventRegistrationState-EXPIRED = 提供期限切れ
label-EventRegistrationState-CANCELLED = キャンセル済み
label-EventSessionKind-PLENARY = 全体会議
label-EventSessionKind-PRESENTATION = 発表
label-EventSessionKind-DEBATE = 討論
label-EventSessionKind-QA = 質疑応答
label-EventSessionKind-LECTURE = 講演
label-EventState-DRAFT = 下書き
label-EventState-PUBLISHED = 公開中
label-EventState-REGISTRATION_OPEN = 登録受付中
label-EventState-REGISTRATION_CLOSED = 登録受付終了
label-EventState-ONGOING = 開催中
label-EventState-COMPLETED = 終了
label-EventState-CANCELLED = 中止
label-ExchangeKind-SISTER_CITY = 姉妹都市
label-ExchangeKind-FRIENDSHIP_CITY = 友好都市
label-ExchangeKind-MEMORANDUM = 覚書（MOU）
label-ExchangeKind-PROJECT = 共同事業
label-ExchangeKind-OTHER = その他
label-RequestStatisticsDimension-TYPE = 依頼の種類
label-RequestStatisticsDimension-LOCAL_GOVERNMENT = 地方自治体
label-RequestStatisticsDimension-DEPARTMENT = 部署
label-RequestStatisticsDimension-MONTH = 月
label-HistoryVisibility-REQUESTER = 依頼者に公開
label-HistoryVisibility-INTERNAL = 内部用
label-HolidayKind-PUBLIC = 祝日
label-HolidayKind-SUBSTITUTE = 振替休日
label-HolidayKind-ONE_OFF = 臨時休日
label-InteractionKind-MEETING = 会議
label-InteractionKind-VISIT = 訪問
label-InteractionKind-EXCHANGE = 交流
label-InteractionKind-OTHER = その他
label-InterpretationMode-INTERPRETATION = 通訳
label-InterpretationMode-TRANSLATION = 翻訳
label-Language-KO = 韓国語
label-Language-EN = 英語
label-Language-ZH = 中国語
label-Language-JA = 日本語
label-LectureRequestState-REQUESTED = 依頼済み
label-LectureRequestState-SCHEDULED = 日程確定
label-LectureRequestState-DECLINED = 辞退
label-MessageKind-MID_RESPONSE = 中間回答
label-MessageKind-FINAL_RESPONSE = 最終回答
label-MessageKind-REQUESTER_REPLY = 依頼者の返信
label-MessageKind-STAFF_NOTE = 職員メモ
label-MessageKind-QUESTION = 依頼者への質問
label-NationalityRule-ANY = 国籍不問
label-NationalityRule-KOREAN = 韓国籍
label-NationalityRule-FOREIGN = 外国籍
label-NoticeLanguage-KO = 韓国語
label-NoticeLanguage-EN = 英語
label-NoticeLanguage-ZH = 中国語
label-NoticeLanguage-JA = 日本語
label-OperationType-QUERY = 参照
label-OperationType-MUTATION = 変更
label-OperationType-SUBSCRIPTION = 購読
label-OpportunityStatus-PROPOSED = 提案中
label-OpportunityStatus-OPEN = 募集中
label-OpportunityStatus-CLOSED = 終了
label-OpportunityStatus-DECLINED = 見送り
label-OrganisationKind-LOCAL_GOVERNMENT_ASSOCIATION = 地方自治体協議会
label-OrganisationKind-OVERSEAS_OFFICE = 海外事務所
label-OrganisationKind-FOREIGN_MISSION = 在韓外国公館
label-OrganisationKind-FOREIGN_ADVISOR = 外国人アドバイザー
label-OrganisationKind-FOREIGN_LOCAL_GOVERNMENT = 外国の地方政府
label-OrganisationKind-ACADEMIA = 学術機関
label-OrganisationProfileChangeStatus-PENDING = 審査待ち
label-OrganisationProfileChangeStatus-APPROVED = 承認済み
label-OrganisationProfileChangeStatus-REJECTED = 却下
label-OrganisationType-KOREAN_LOCAL_GOVERNMENT = 韓国の地方自治体
label-OrganisationType-FOREIGN_LOCAL_GOVERNMENT = 外国の地方政府
label-OrganisationType-OTHER = その他
label-PracticeSort-RELEVANCE = 関連度順
label-PracticeSort-NEWEST = 新しい順
label-PracticeState-DRAFT = 下書き
label-PracticeState-IN_REVIEW = 審査中
label-PracticeState-PUBLISHED = 公開中
label-PracticeState-WITHDRAWN = 取り下げ
label-ProgrammeKind-INVITATION_FELLOWSHIP = 招へい研修
label-ProgrammeKind-OVERSEAS_TRAINING = 海外研修
label-ProgrammeKind-ACADEMY = アカデミー
label-ProgrammeKind-SPEECH_CONTEST = スピーチコンテスト
label-ProgrammeKind-COACHING = コーチング
label-RelationshipKind-SISTER_CITY = 姉妹都市
label-RelationshipKind-FRIENDSHIP_CITY = 友好都市
label-RelationshipKind-MEMORANDUM = 覚書（MOU）
label-RelationshipStatus-PROPOSED = 提案中
label-RelationshipStatus-ACTIVE = 活動中
label-RelationshipStatus-SUSPENDED = 休止中
label-RelationshipStatus-ENDED = 終了
label-ReviewCutKind-NONE = 選抜基準なし
label-ReviewCutKind-TOP_N = 上位N名
label-ReviewCutKind-THRESHOLD = 基準点
label-Role-LOCAL_OFFICIAL = 地方自治体職員
label-Role-BUREAU_STAFF = 事務局職員
label-Role-BUREAU_ADMIN = 事務局管理者
label-Role-PARTNER = 協力機関
label-ScreeningOutcome-START = 書類審査開始
label-ScreeningOutcome-PASS = 合格
label-ScreeningOutcome-FAIL = 不合格
label-ServiceRequestOrder-NEWEST = 新しい順
label-ServiceRequestOrder-DUE_SOONEST = 期限の近い順
label-ServiceRequestSearchField-TITLE = 件名
label-ServiceRequestSearchField-DESCRIPTION = 内容
label-ServiceRequestSearchField-MESSAGE = メッセージ
label-ServiceRequestSearchOrder-RELEVANCE = 関連度順
label-ServiceRequestSearchOrder-NEWEST = 新しい順
label-ServiceRequestState-SUBMITTED = 申請済み
label-ServiceRequestState-REGISTERED = 受付済み
label-ServiceRequestState-DEPARTMENT_ASSIGNED = 担当部署決定
label-ServiceRequestState-STAFF_ASSIGNED = 担当者決定
label-ServiceRequestState-MID_RESPONDED = 中間回答済み
label-ServiceRequestState-FINAL_RESPONDED = 最終回答済み
label-ServiceRequestState-CLOSED = 完了
label-ServiceRequestState-WITHDRAWN = 取り下げ
label-ServiceRequestState-REJECTED = 却下
label-ServiceRequestState-REOPENED = 再依頼
label-ServiceRequestState-AWAITING_REQUESTER = 依頼者の回答待ち
label-ServiceRequestState-MERGED = 統合済み
label-ServiceRequestType-INTERPRETATION_TRANSLATION = 通訳・翻訳
label-ServiceRequestType-INTERNATIONAL_EXCHANGE = 国際交流
label-ServiceRequestType-OVERSEAS_VISIT = 海外訪問
label-ServiceRequestType-INFORMATION_REQUEST = 情報提供依頼
label-ServiceRequestType-GENERAL_INQUIRY = 一般的な問い合わせ
label-SlaClock-BUSINESS = 業務時間
label-SlaClock-CALENDAR = 暦時間
label-StipendPayer-ASSOCIATION = 協会
label-StipendPayer-HOST_LOCAL_GOVERNMENT = 受入れ自治体
label-StipendPaymentAction-APPROVE = 承認
label-StipendPaymentAction-PAY = 支給
label-StipendPaymentAction-FAIL = 失敗として記録
label-StipendPaymentAction-RETRY = 再試行
label-StipendPaymentState-SCHEDULED = 予定
label-StipendPaymentState-APPROVED = 承認済み
label-StipendPaymentState-PAID = 支給済み
label-StipendPaymentState-FAILED = 支給失敗
label-TrainingApplicationState-DRAFT = 下書き
label-TrainingApplicationState-SUBMITTED = 提出済み
label-TrainingApplicationState-SCREENING = 書類審査中
label-TrainingApplicationState-UNDER_REVIEW = 審査中
label-TrainingApplicationState-ACCEPTED = 選考通過
label-TrainingApplicationState-WAITLISTED = 補欠
label-TrainingApplicationState-REJECTED = 不採用
label-TrainingApplicationState-WITHDRAWN = 取り下げ
label-TrainingAttendanceStatus-PRESENT = 出席
label-TrainingAttendanceStatus-LATE = 遅刻
label-TrainingAttendanceStatus-ABSENT = 欠席
label-TrainingAttendanceStatus-EXCUSED = 公欠
label-TrainingDecision-ACCEPT = 採用
label-TrainingDecision-WAITLIST = 補欠
label-TrainingDecision-REJECT = 不採用
label-TrainingSessionKind-PRE_TRAINING = 事前研修
label-TrainingSessionKind-LECTURE = 講義
label-TrainingSessionKind-PLACEMENT = 現場配属
label-TrainingSessionKind-PRELIMINARY = 予選
label-TrainingSessionKind-FINAL = 本選
label-TrainingSessionKind-COACHING = コーチング
label-TrainingSessionKind-CEREMONY = 式典

## 依頼履歴のメモ (HistoryEntry.note, ADR 0029)
history-routed = ルール { $rule }：{ $type } → { $department }
history-routed-language = ルール { $rule }：{ $type }/{ $language } → { $department }
history-assigned-staff = { $staff } { $name }（対応中 { $load } 件）
history-expected-completion = 完了予定 { $at }
history-reassigned = → { $department } / { $staff } { $name }
history-reassigned-noted = → { $department } / { $staff } { $name }：{ $note }
history-reassigned-unstaffed = → { $department }（担当可能な職員なし）
history-reassigned-unstaffed-noted = → { $department }（担当可能な職員なし）：{ $note }
history-rated = 評価 { $rating }
history-rerated = 評価 { $from } → { $to }
history-clock-resumed-business = 業務時間 { $minutes } 分の停止後に計時を再開。回答期限 { $due }
history-clock-resumed-calendar = { $minutes } 分の停止後に計時を再開。回答期限 { $due }
history-sla-first-response-warning = 初回回答期限の警告ラインに達しました。期限 { $due }
history-sla-first-response-breach = 初回回答の期限 { $due } を過ぎました
history-sla-resolution-warning = 回答期限の警告ラインに達しました。期限 { $due }
history-sla-resolution-breach = 回答の期限 { $due } を過ぎました

## イベント：開催国の持ち回り (extensions.reason HOST_OUT_OF_TURN)
input-rotation-repeated = { $country } はすでに持ち回りに含まれています
input-rotation-too-short = 持ち回りには2か国以上が必要です
rotation-not-in-rotation = { $host } はこのシリーズの開催国の持ち回り（{ $order }）に含まれていません
rotation-out-of-turn = 順番が違います：前回は { $last } が開催したため、次の開催国は { $expected } です（持ち回り { $order }）。{ $host } ではありません

## 研修：段階審査の選抜 (ADR 0029)
training-cut-advanced = { $stage-name }：{ $rank } 位、平均 { $mean } 点。第 { $next } 段階へ
training-cut-eliminated = { $stage-name } で選考終了：{ $rank } 位、平均 { $mean } 点
training-cut-applied = 第 { $stage } 段階（{ $stage-name }）：{ $total } 人中 { $advanced } 人が通過
training-cut-unscored = 第 { $stage } 段階にまだ採点されていない申請が { $count } 件あります：{ $ids }

## イベントと研修の履歴メモ (ADR 0029)
events-registered-seats = { $seats } 席
training-promoted = 申請 { $freed-by } の辞退で空いた枠に繰り上げ
training-stipends-scheduled = { $from } – { $to } の支給 { $count } 件を予定

## サービスのエラー文 (ADR 0029)：英文が完全に一致するエラーはこのメッセージで表示します
input-cursor-list = この一覧のカーソルではありません
input-first-negative = `first` は負の値にできません
input-unknown-department = 不明な部署です
input-http-url = http(s) の URL にしてください
input-between-1-99 = 1 から 99 の間にしてください
input-not-negative = 負の値にできません
input-listed-twice = 二重に指定されています
input-after-starts-at = startsAt より後にしてください
input-required-one-language = 少なくとも1つの言語で入力してください
input-accept-or-reject = ACCEPT または REJECT にしてください
input-unknown-series = 不明なシリーズです
input-upload-first-names-file = ファイルを指定できるのはアップロードの最初のメッセージだけです
input-email = メールアドレスではありません
input-date-plain = YYYY-MM-DD 形式の日付にしてください
input-request-id = 依頼 ID（UUID）にしてください
input-at-most-100-chars = 100 文字以内にしてください
rule-only-requester-rates = 回答を評価できるのは依頼した本人だけです
input-after-from = `from` より後にしてください
input-unknown-staff = 不明な職員です
rule-officials-need-organisation = 自治体職員には所属機関が必要です
input-at-most-50-contacts = 連絡先は最大 50 件です
input-year-1900-2100 = 1900 から 2100 の間にしてください
input-positive = 正の値にしてください
rule-last-stage-no-cut = 最終段階は選抜ではなく決定で終わります
input-required-one-based = 必須です（1 から数えます）
input-at-most-20-practices = 優良事例は最大 20 件です
input-practice-id = 優良事例の ID にしてください
input-required-outside-series = シリーズに属さないイベントでは必須です
input-not-before-start-date = startDate より前にはできません
input-event-32-days = イベントの期間は最長 32 日です
input-after-registration-opens = registrationOpensAt より後にしてください
input-preferred-dates = 希望日を 1～5 件指定してください
input-not-in-past = 過去にはできません
input-one-year = すべて同じ年にしてください（講演は年間枠に数えます）
input-at-most-1000 = 1000 以下にしてください
input-at-most-20-speakers = 講演者は最大 20 人です
input-session-12-hours = セッションは最長 12 時間です
input-uuid = ID（UUID）にしてください
input-date-parenthesised = 日付（YYYY-MM-DD）にしてください
input-time-zone = IANA のタイムゾーンにしてください（例："Asia/Seoul"）
input-unspecified = 指定されていません
input-only-accepted-references = 優良事例を参照できるのは採択された発表だけです
rule-only-submitter-withdraws = 発表を取り下げられるのは提出者だけです
rule-only-bureau-reviews = 発表を審査するのは事務局職員だけです
input-required-to-cancel = 中止するには必須です
input-required-staff-lecture = 事務局職員が講演を依頼するときは必須です
input-lecture-series = 講演シリーズにしてください
rule-lectures-own-lg = 職員が依頼できるのは自分の自治体の講演だけです
rule-not-a-local-government = 所属機関が地方自治体ではありません
rule-lectures-by-lgs = 講演は地方自治体が依頼します
rule-lecture-requests-audience = 講演の依頼は地方自治体と事務局のためのものです
input-not-on-registration = この登録に含まれていません
rule-only-registrant-accepts = 提供を受けられるのは登録した本人だけです
rule-already-registered = このイベントにはすでに登録しています
input-file-id = ファイル ID（UUID）にしてください
input-upload-first-owner = アップロードの最初のメッセージで対象とファイルを指定してください
input-timestamp = 有効な日時ではありません
input-notice-language = ko、en、zh、ja のいずれかにしてください
input-notice-kind = 通知の種類ではありません
input-delivery-status = PENDING、SENT または FAILED にしてください
input-notification-ids = 通知 ID ではない値が含まれています
rule-deliveries-admins = メール送信履歴は事務局管理者のためのものです
rule-delivery-changed = その間に送信状態が変わりました。もう一度読み込んでください
input-attachment-id = 添付ファイル ID（UUID）にしてください
input-exchange-kind = SISTER_CITY、FRIENDSHIP_CITY、MEMORANDUM、PROJECT、OTHER のいずれかにしてください
input-differ-from-source = 原文の言語と異なる言語にしてください
input-interpretation-mode = INTERPRETATION または TRANSLATION にしてください
input-on-or-after-start = 開始日以降にしてください
input-venue-unless-online = オンライン通訳でなければ必須です
input-between-1-500 = 1 から 500 の間にしてください
input-destinations = 訪問先を 1～10 か所指定してください
input-on-or-after-departure = 出発日以降にしてください
input-between-1-100 = 1 から 100 の間にしてください
input-number-range = 年または通し番号が範囲外です
input-request-number = OB-2026-000123 の形式にしてください
input-workday-order = 業務開始時刻は終了時刻より前にしてください
input-sla-minutes = 1 分から 525600 分の間にしてください
input-not-exceed-resolution = 回答期限の目標を超えられません
input-are-required = 必須です
input-between-1-5 = 1 から 5 の間にしてください
input-unknown-state = 不明な状態です
input-unspecified-type = 種類が指定されていません
input-message-id = メッセージ ID（UUID）にしてください
input-upload-first-request = アップロードの最初のメッセージで依頼とファイルを指定してください
input-unknown-order = 不明な並び順です
input-year-2000-2100 = 2000 から 2100 の間にしてください
rule-no-staff-record = 呼び出し元の事務局職員の記録がありません
rule-requests-audience = サービス依頼は地方自治体と事務局職員のためのものです
input-cursor-of-list = この一覧のカーソルではありません
input-rule-language = 言語を指定できるのは通訳・翻訳のルールだけです
rule-routing-admins = 振り分けルールは事務局管理者のためのものです
input-cursor-of-search = この検索のカーソルではありません
input-unknown-local-government = 不明な地方自治体です
input-required-staff-submit = 事務局職員が提出するときは必須です
rule-submit-own-lg = 職員が提出できるのは自分の自治体の依頼だけです
input-in-future = 未来の日時にしてください
input-active-member = 部署の現職の職員にしてください
input-printable-100 = 印字可能な文字で 100 文字以内にしてください
input-at-least-1 = 1 以上にしてください
input-area-code = 英小文字で始まる 2～40 文字の英小文字・数字・下線にしてください
input-administrative-code = 11000 のような標準の行政コードではありません
input-not-empty = 空にはできません
input-tag = カンマを含まない 50 文字以内にしてください
input-phone = 電話番号ではありません
input-one-area = 分野を 1 つ以上指定してください
input-media-type = type/subtype の形式にしてください
input-100-mib = 100 MiB 以下にしてください
rule-withdrawn-no-reports = 取り下げた優良事例にはこれ以上報告書を追加できません
input-unknown-organisation = 不明な機関です
rule-no-self-review = 作成者は自分の優良事例を審査できません
rule-partner-proposes-profile = 機関情報の変更を提案できるのはその協力機関だけです
rule-profile-changes-audience = 機関情報の変更を見られるのは事務局職員と協力機関だけです
input-new-relationship-status = 新しい関係は PROPOSED または ACTIVE です
input-foreign-lg = 外国の地方政府ではありません
rule-interaction-log-audience = 交流記録は事務局職員と当該自治体のためのものです
rule-relationship-ended = この関係は終了しています
input-at-most-10-words = 最大 10 語です
rule-unpublished-staff-only = 未公開の優良事例を一覧できるのは事務局職員だけです
input-working-language = 業務言語を 1 つ以上指定してください
input-mime-type = MIME タイプにしてください
input-sha256 = 16 進数 64 桁にしてください
input-certificate-code = 修了証コード（GLC-XXXX-XXXX-XXXX-XXXX-XXXX）ではありません
input-currency = ISO 4217 のコードにしてください（例："KRW"）
input-top-n = TOP_N には 1 以上の N が必要です
input-threshold = 基準点は 0 から 100 の点数です
input-grade-bound = 1～9 の職級にしてください（0 = 制限なし）
input-max-grade = minGrade 以上にしてください（1 級が最上位）
input-caller-subject = 呼び出し元の主体（空白なしの 1～100 文字）にしてください
input-after-applications-open = applicationsOpenOn 以降にしてください
input-after-applications-close = applicationsCloseOn より後にしてください
input-after-starts-on = startsOn 以降にしてください
input-stipend-line-twice = すでに手当の項目があります
input-host-codes = 受入れ自治体が支給するときは必須です
input-grade = 1～9 の行政職級にしてください
input-one-participant = 参加者を 1 人以上記録してください
input-participation-change = hostCode、mentor、joinedOn、leftOn の少なくとも 1 つを指定してください
input-score = 0 から 100 にしてください
rule-applications-by-officials = 申請するのは自治体職員です
rule-only-applicant-submits = 提出できるのは申請者だけです
rule-only-applicant-withdraws = 取り下げられるのは申請者だけです
rule-certificates-concurrent = 別の呼び出しが修了証を発行中です。再試行してください
input-required-screening-fails = 書類審査で不合格にするときは必須です
input-no-such-stage = この回にはその段階がありません
rule-only-applicant-attaches = 申請に書類を添付できるのは申請者だけです
rule-applications-audience = 申請は申請者と事務局職員のためのものです
input-within-edition = 回の期間内にしてください
input-left-on = joinedOn 以降で、回の期間内にしてください
input-not-participant = このセッションの回の選考通過者ではありません
input-unknown-programme = 不明なプログラムです
rule-edition-concurrent = 別の呼び出しが回を作成中です。再試行してください
rule-edition-published = この回はすでに公開されています
rule-stipends-audience = 手当は担当者と参加者のためのものです
rule-no-stipend-policy = この回には手当の方針がありません

## 依頼・登録・申請のエラーと拒否 (ADR 0029；括弧内は extensions.reason)
input-details-type = 詳細は { $details } 用ですが、依頼の種類は { $type } です
input-interpretation-days = 通訳の期間は最長 { $max } 日です
input-visit-days = 訪問の期間は最長 { $max } 日です
rule-organisation-not-lg = 機関 `{ $org }` は登録された地方自治体ではありません
rule-idempotency-key-reused = 冪等キー `{ $key }` はすでに別の依頼に使われています
rule-idempotency-key-reused-application = 冪等キー `{ $key }` はすでに別の申請に使われています
rule-reopen-window-closed = 再依頼の受付期間（{ $days } 日）は { $at } に終了しました
rule-reply-finished = { $state } の状態の依頼には返信できません
rule-files-finished = { $state } の状態の依頼にはこれ以上ファイルを添付できません
rule-survey-not-answered = { $state } の状態の依頼にはまだ評価できる最終回答がありません
rule-survey-window-closed = 評価を変更できたのは { $at } までです（再依頼の受付期間 { $days } 日）
rule-registration-not-open = このイベントは登録を受け付けていません（現在 { $state }）
rule-registration-opens-at = 登録の受付は { $at } に始まります
rule-registration-closed-at = 登録の受付は { $at } に終了しました
input-delegation-larger-than-event = 代表団（{ $seats } 人）がイベントの定員（{ $capacity } 席）を超えています
input-delegation-size = 代表団は最大 { $max } 人です
rule-offer-lapsed = 席の提供は { $at } に期限切れになりました
rule-check-in-not-ongoing = チェックインはイベントの開催中（ONGOING）にだけできます（現在 { $state }）
rule-check-in-not-confirmed = チェックインできるのは確定した登録だけです（この登録は { $state }）
input-day-of-event = イベントの期間中（{ $first }～{ $last }）の日にしてください
rule-already-checked-in = { $attendee } さんは { $day } にすでにチェックインしています
rule-call-closed = 発表の募集は終了しました（イベントの状態 { $state }）
input-at-most-answers = 回答は最大 { $max } 件です
input-at-most-attachments = 添付ファイルは最大 { $max } 件です
input-bytes-range = 1～{ $max } バイトにしてください
rule-papers-finished = { $state } の状態の申請にはこれ以上書類を添付できません
rule-not-under-review-at-stage = この申請は第 { $current } 段階で { $state } の状態で、第 { $stage } 段階の審査中ではありません
rule-cut-first = この申請は全 { $last } 段階のうち第 { $current } 段階です。先にこの段階の選抜を適用してください
rule-edition-full = 定員に達しています（{ $capacity } 枠中 { $taken } 枠）。補欠にしてください

## 組織名簿の管理 (ADR 0035)
label-LocalGovernmentLevel-METROPOLITAN = 広域市・特別市
label-LocalGovernmentLevel-PROVINCE = 道
label-LocalGovernmentLevel-CITY = 市
label-LocalGovernmentLevel-COUNTY = 郡
label-LocalGovernmentLevel-DISTRICT = 自治区
directory-parent-not-allowed = { $code } は広域自治体のため、上位の自治体はありません
directory-parent-required = { $code } は基礎自治体のため、上位の広域自治体を指定してください
directory-unknown-parent = 不明な上位自治体 { $parent }
directory-parent-not-upper = { $parent } は広域自治体ではありません
directory-duplicate-code = { $code } は既に存在します
directory-has-children = { $code } には基礎自治体が属しているため、広域自治体のままにする必要があります
directory-lead-not-in-department = { $staff } は { $department } の所属ではありません
directory-lead-departed = { $staff } は退職しました
directory-duplicate-subject = 別の職員が既に { $subject } でログインしています
directory-already-departed = { $staff } は既に退職しています
directory-absence-ends-before-start = 不在期間の終了日（{ $to }）が開始日（{ $from }）より前です
history-reassigned-departed = { $departed } 退職：-> { $department } / { $staff } { $name }
history-reassigned-departed-unstaffed = { $departed } 退職：-> { $department }（対応可能な職員なし）
