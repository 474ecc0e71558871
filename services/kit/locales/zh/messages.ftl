# 供人阅读的消息：中文。每个键都必须以相同的占位符存在于 ko、en、ja 中。

## 没有更具体的消息时错误的说明（按 extensions.code）。
code-unauthenticated = 需要身份验证
code-forbidden = 您无权执行此操作
code-not-found = 未找到，或您无权查看
code-bad-user-input = 请求无效
code-bad-user-input-field = 输入 `{ $field }` 无效
code-conflict = 当前状态不允许此更改
code-unavailable = 服务不可用，请稍后重试
code-internal = 内部错误

## 无法解析的输入（BAD_USER_INPUT）。
input-required = 为必填项
input-too-short = 至少需要 { $min } 个字符
input-too-long = 最多 { $max } 个字符（实际 { $got } 个）
input-control-characters = 不得包含控制字符
input-one-line = 必须为一行且不含控制字符
input-unknown-value = 未知的值 `{ $value }`
input-language-code = 必须是 ISO 639-1 语言代码：ISO 列表中的两个小写字母，例如 "ko"
input-country-code = 必须是 ISO 3166-1 alpha-2 国家代码：ISO 列表中的两个大写字母，例如 "JP"
input-version = 必须是您看到的版本（至少为 1）

## 所有服务共有的错误。
error-unauthenticated = 需要身份验证
error-not-found = 未找到 { $what }
error-stale-version = 版本 { $seen } 已过期；当前版本为 { $current }

## 网关对文档的限制。
limit-depth = 查询嵌套过深；最多允许 { $max } 层
limit-document-bytes = 文档有 { $bytes } 字节；最多允许 { $max } 字节
limit-complexity = 查询过于复杂：{ $count } 个字段；最多允许 { $max } 个
limit-aliases = 文档有 { $count } 个别名；最多允许 { $max } 个
limit-fragment-spreads = 文档有 { $count } 个片段展开；最多允许 { $max } 个
limit-directives = 文档有 { $count } 个指令；最多允许 { $max } 个
limit-variables = 请求有 { $count } 个变量；最多允许 { $max } 个
limit-fragment-cycle = 片段 "{ $fragment }" 展开了自身

## 培训：申请人不符合资格的原因（EligibilityFailure.reason）。
eligibility-not-published = 该期次不接受申请
eligibility-window = 申请时间为 { $from } 至 { $to }
eligibility-applicant-kind = 该期次只接受 { $kinds } 类申请人
eligibility-organisation-type = 该期次仅面向 { $types }
eligibility-korean-nationals = 该期次仅面向韩国国籍人士
eligibility-foreign-nationals = 该期次仅面向外国国籍人士
eligibility-grade-missing = 该期次面向{ $bound ->
        [both] { $min } 至 { $max } 级
        [min] { $min } 级及以下
        [max] { $max } 级及以上
       *[any] 所有职级
    }：请填写您的职级
eligibility-grade-outside = 该期次面向{ $bound ->
        [both] { $min } 至 { $max } 级
        [min] { $min } 级及以下
        [max] { $max } 级及以上
       *[any] 所有职级
    }；{ $grade } 级不在范围内
eligibility-languages = 该期次的工作语言为 { $languages }；请填写其中之一
eligibility-one-active = 该期次已有一份进行中的申请（{ $application }）

## 培训：参与者未获得证书的原因（CertificateSkip.reason）。
certificate-attendance = 出席 { $counted } 次中的 { $attended } 次（至少需要 { $percent }%）

## 请求：无法解析的搜索内容（`query` 的 BAD_USER_INPUT）。
search-query-empty = 请输入至少一个要搜索的词
search-query-too-long = 搜索内容最多 { $max } 个字符（当前 { $got } 个）
search-query-too-many-words = 搜索最多 { $max } 个词（当前 { $got } 个）
search-query-word-too-short = 词“{ $word }”太短：每个词至少需要 { $min } 个字符

## 申请：合并重复申请与关联相关申请（extensions.reason MERGE_*、LINK_*）。
relation-merge-into-itself = 申请 { $number } 不能合并到其自身
relation-merge-already-merged = 申请 { $number } 已合并到另一申请
relation-merge-into-merged = 申请 { $number } 本身已合并到另一申请；请合并到该申请
relation-merge-into-closed = 申请 { $number } 已关闭、撤回或被驳回，不能再接受重复申请
relation-merge-duplicate-closed = 申请 { $number } 已答复或已结束；只有仍在等待答复的申请才能合并
relation-merge-has-duplicates = 已有其他申请合并到申请 { $number }，它不能再被合并
relation-merge-linked = 申请 { $number } 与其他申请相关联；合并前请先解除关联
relation-other-local-government = 申请 { $number } 属于另一个地方政府
relation-link-to-itself = 申请 { $number } 不能与其自身关联
relation-link-merged = 申请 { $number } 已被合并，不能关联
relation-link-has-parent = 申请 { $number } 已关联在另一申请之下
relation-link-nested = 申请 { $number } 已属于某个关联；关联只能有一层

## 研究：合作伙伴维护本机构的资料（括号内为 extensions.reason）。
research-not-own-organisation = 合作伙伴只能修改本机构的资料
research-profile-change-pending = 该资料已有一项修改在等待审核
research-profile-change-decided = 该资料修改已经审核过

## 网关的请求限额（429）。
limit-rate = 请求过多，请在 { $seconds } 秒后重试
limit-partner-quota = 合作伙伴配额（每 { $window } 秒 { $limit } 次请求）已用完，请在 { $seconds } 秒后重试

## 上传的文件 (ADR 0022, ADR 0026)：固定的原因代码在前。
file-too-large = FILE_TOO_LARGE: 文件大于此处允许的 { $max } 字节
file-empty = EMPTY_FILE: 文件为空
file-unsupported-type = UNSUPPORTED_MEDIA_TYPE: 仅接受 PDF、图片（PNG、JPEG、GIF、WebP）、办公文档（Word、Excel、PowerPoint、HWP、HWPX、OpenDocument）、ZIP 和纯文本；类型按内容而非文件名判断
file-limit-count = ATTACHMENT_LIMIT: 此处最多可附加 { $max } 个文件
file-limit-bytes = ATTACHMENT_LIMIT: 此处附加的文件合计最多 { $max } 字节
file-name-path = 必须是不含路径或控制字符的文件名

## 导出列表（CSV、XLSX）的列标题。
export-number = 编号
export-type = 类型
export-title = 标题
export-state = 状态
export-local-government = 地方政府
export-department = 部门
export-assignee = 负责人
export-requester = 申请人
export-submitted-at = 提交时间 (KST)
export-resolution-due-at = 处理期限 (KST)
export-first-response-at = 首次答复 (KST)
export-final-response-at = 最终答复 (KST)
