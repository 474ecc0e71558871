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
