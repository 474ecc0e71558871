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
## 调用者 (ADR 0029)
error-caller-name-missing = 令牌中没有姓名（缺少 `name` 或 `preferred_username` 声明），职员名录中也没有该主体；请使用带姓名的令牌重新登录

## 活动：投稿引用的优秀案例 (ADR 0029)
input-practice-unknown = 没有优秀案例 `{ $id }`（或您无权查看）

## 枚举值的名称 (enumLabels, ADR 0029)：label-<枚举>-<值>
label-ApplicantKind-OFFICIAL = 公务员
label-ApplicantKind-LOCAL_GOVERNMENT = 地方政府
label-ContributionDecision-ACCEPT = 采纳
label-ContributionDecision-REJECT = 不采纳
label-ContributionState-SUBMITTED = 已提交
label-ContributionState-ACCEPTED = 已采纳
label-ContributionState-REJECTED = 未采纳
label-ContributionState-WITHDRAWN = 已撤回
label-EligibilityRule-PUBLISHED = 项目已发布
label-EligibilityRule-APPLICATION_WINDOW = 申请期间
label-EligibilityRule-APPLICANT_KIND = 申请人类型
label-EligibilityRule-ORGANISATION_TYPE = 机构类型
label-EligibilityRule-NATIONALITY = 国籍
label-EligibilityRule-GRADE = 职级
label-EligibilityRule-LANGUAGE = 语言
label-EligibilityRule-ONE_ACTIVE_APPLICATION = 仅一份有效申请
label-EmailDeliveryStatus-PENDING = 等待发送
label-EmailDeliveryStatus-SENT = 已发送
label-EmailDeliveryStatus-FAILED = 发送失败
label-EmailStatus-NONE = 无邮件
label-EmailStatus-PENDING = 等待发送
label-EmailStatus-SENT = 已发送
label-EmailStatus-FAILED = 发送失败
label-EventAction-PUBLISH = 发布
label-EventAction-OPEN_REGISTRATION = 开放报名
label-EventAction-CLOSE_REGISTRATION = 截止报名
label-EventAction-START = 开始
label-EventAction-COMPLETE = 结束
label-EventAction-CANCEL = 取消
label-EventKind-CONFERENCE = 会议
label-EventKind-WORKSHOP = 研讨会
label-EventKind-FORUM = 论坛
label-EventKind-LECTURE = 讲座
label-EventRegistrationKind-INDIVIDUAL = 个人
label-EventRegistrationKind-DELEGATION = 代表团
label-EventRegistrationState-PENDING = 待处理
label-EventRegistrationState-CONFIRMED = 已确认
label-EventRegistrationState-WAITLISTED = 候补
label-EventRegistrationState-OFFERED = 已提供席位
label-EventRegistrationState-EXPIRED = 席位已过期
label-EventRegistrationState-CANCELLED = 已取消
label-EventSessionKind-PLENARY = 全体会议
label-EventSessionKind-PRESENTATION = 报告
label-EventSessionKind-DEBATE = 讨论
label-EventSessionKind-QA = 问答
label-EventSessionKind-LECTURE = 讲座
label-EventState-DRAFT = 草稿
label-EventState-PUBLISHED = 已发布
label-EventState-REGISTRATION_OPEN = 报名中
label-EventState-REGISTRATION_CLOSED = 报名已截止
label-EventState-ONGOING = 进行中
label-EventState-COMPLETED = 已结束
label-EventState-CANCELLED = 已取消
label-ExchangeKind-SISTER_CITY = 姐妹城市
label-ExchangeKind-FRIENDSHIP_CITY = 友好城市
label-ExchangeKind-MEMORANDUM = 谅解备忘录
label-ExchangeKind-PROJECT = 合作项目
label-ExchangeKind-OTHER = 其他
label-RequestStatisticsDimension-TYPE = 请求类型
label-RequestStatisticsDimension-LOCAL_GOVERNMENT = 地方政府
label-RequestStatisticsDimension-DEPARTMENT = 部门
label-RequestStatisticsDimension-MONTH = 月份
label-HistoryVisibility-REQUESTER = 申请人可见
label-HistoryVisibility-INTERNAL = 内部
label-HolidayKind-PUBLIC = 公共假日
label-HolidayKind-SUBSTITUTE = 补休日
label-HolidayKind-ONE_OFF = 临时假日
label-InteractionKind-MEETING = 会谈
label-InteractionKind-VISIT = 访问
label-InteractionKind-EXCHANGE = 交流
label-InteractionKind-OTHER = 其他
label-InterpretationMode-INTERPRETATION = 口译
label-InterpretationMode-TRANSLATION = 笔译
label-Language-KO = 韩语
label-Language-EN = 英语
label-Language-ZH = 中文
label-Language-JA = 日语
label-LectureRequestState-REQUESTED = 已申请
label-LectureRequestState-SCHEDULED = 已安排
label-LectureRequestState-DECLINED = 已拒绝
label-MessageKind-MID_RESPONSE = 中期答复
label-MessageKind-FINAL_RESPONSE = 最终答复
label-MessageKind-REQUESTER_REPLY = 申请人回复
label-MessageKind-STAFF_NOTE = 职员备注
label-MessageKind-QUESTION = 向申请人提问
label-NationalityRule-ANY = 不限国籍
label-NationalityRule-KOREAN = 韩国国籍
label-NationalityRule-FOREIGN = 外国国籍
label-NoticeLanguage-KO = 韩语
label-NoticeLanguage-EN = 英语
label-NoticeLanguage-ZH = 中文
label-NoticeLanguage-JA = 日语
label-OperationType-QUERY = 查询
label-OperationType-MUTATION = 更改
label-OperationType-SUBSCRIPTION = 订阅
label-OpportunityStatus-PROPOSED = 已提议
label-OpportunityStatus-OPEN = 开放中
label-OpportunityStatus-CLOSED = 已关闭
label-OpportunityStatus-DECLINED = 已拒绝
label-OrganisationKind-LOCAL_GOVERNMENT_ASSOCIATION = 地方政府协会
label-OrganisationKind-OVERSEAS_OFFICE = 海外办事处
label-OrganisationKind-FOREIGN_MISSION = 外国驻韩使领馆
label-OrganisationKind-FOREIGN_ADVISOR = 外籍顾问
label-OrganisationKind-FOREIGN_LOCAL_GOVERNMENT = 外国地方政府
label-OrganisationKind-ACADEMIA = 学术界
label-OrganisationProfileChangeStatus-PENDING = 待审核
label-OrganisationProfileChangeStatus-APPROVED = 已批准
label-OrganisationProfileChangeStatus-REJECTED = 已驳回
label-OrganisationType-KOREAN_LOCAL_GOVERNMENT = 韩国地方政府
label-OrganisationType-FOREIGN_LOCAL_GOVERNMENT = 外国地方政府
label-OrganisationType-OTHER = 其他
label-PracticeSort-RELEVANCE = 按相关度
label-PracticeSort-NEWEST = 最新
label-PracticeState-DRAFT = 草稿
label-PracticeState-IN_REVIEW = 审核中
label-PracticeState-PUBLISHED = 已发布
label-PracticeState-WITHDRAWN = 已撤回
label-ProgrammeKind-INVITATION_FELLOWSHIP = 邀请研修
label-ProgrammeKind-OVERSEAS_TRAINING = 海外研修
label-ProgrammeKind-ACADEMY = 学院课程
label-ProgrammeKind-SPEECH_CONTEST = 演讲比赛
label-ProgrammeKind-COACHING = 辅导
label-RelationshipKind-SISTER_CITY = 姐妹城市
label-RelationshipKind-FRIENDSHIP_CITY = 友好城市
label-RelationshipKind-MEMORANDUM = 谅解备忘录
label-RelationshipStatus-PROPOSED = 已提议
label-RelationshipStatus-ACTIVE = 有效
label-RelationshipStatus-SUSPENDED = 已暂停
label-RelationshipStatus-ENDED = 已终止
label-ReviewCutKind-NONE = 不设门槛
label-ReviewCutKind-TOP_N = 前 N 名
label-ReviewCutKind-THRESHOLD = 分数线
label-Role-LOCAL_OFFICIAL = 地方政府公务员
label-Role-BUREAU_STAFF = 事务局职员
label-Role-BUREAU_ADMIN = 事务局管理员
label-Role-PARTNER = 合作机构
label-ScreeningOutcome-START = 开始审查
label-ScreeningOutcome-PASS = 通过
label-ScreeningOutcome-FAIL = 未通过
label-ServiceRequestOrder-NEWEST = 最新
label-ServiceRequestOrder-DUE_SOONEST = 即将到期
label-ServiceRequestSearchField-TITLE = 标题
label-ServiceRequestSearchField-DESCRIPTION = 内容
label-ServiceRequestSearchField-MESSAGE = 消息
label-ServiceRequestSearchOrder-RELEVANCE = 按相关度
label-ServiceRequestSearchOrder-NEWEST = 最新
label-ServiceRequestState-SUBMITTED = 已提交
label-ServiceRequestState-REGISTERED = 已受理
label-ServiceRequestState-DEPARTMENT_ASSIGNED = 已分配部门
label-ServiceRequestState-STAFF_ASSIGNED = 已分配负责人
label-ServiceRequestState-MID_RESPONDED = 已中期答复
label-ServiceRequestState-FINAL_RESPONDED = 已最终答复
label-ServiceRequestState-CLOSED = 已结案
label-ServiceRequestState-WITHDRAWN = 已撤回
label-ServiceRequestState-REJECTED = 已驳回
label-ServiceRequestState-REOPENED = 已重新打开
label-ServiceRequestState-AWAITING_REQUESTER = 等待申请人答复
label-ServiceRequestState-MERGED = 已合并
label-ServiceRequestType-INTERPRETATION_TRANSLATION = 口笔译
label-ServiceRequestType-INTERNATIONAL_EXCHANGE = 国际交流
label-ServiceRequestType-OVERSEAS_VISIT = 海外访问
label-ServiceRequestType-INFORMATION_REQUEST = 信息咨询
label-ServiceRequestType-GENERAL_INQUIRY = 一般咨询
label-SlaClock-BUSINESS = 工作时间
label-SlaClock-CALENDAR = 自然时间
label-StipendPayer-ASSOCIATION = 协会
label-StipendPayer-HOST_LOCAL_GOVERNMENT = 接收地方政府
label-StipendPaymentAction-APPROVE = 批准
label-StipendPaymentAction-PAY = 支付
label-StipendPaymentAction-FAIL = 标记为失败
label-StipendPaymentAction-RETRY = 重试
label-StipendPaymentState-SCHEDULED = 已安排
label-StipendPaymentState-APPROVED = 已批准
label-StipendPaymentState-PAID = 已支付
label-StipendPaymentState-FAILED = 支付失败
label-TrainingApplicationState-DRAFT = 草稿
label-TrainingApplicationState-SUBMITTED = 已提交
label-TrainingApplicationState-SCREENING = 资格审查中
label-TrainingApplicationState-UNDER_REVIEW = 评审中
label-TrainingApplicationState-ACCEPTED = 已录取
label-TrainingApplicationState-WAITLISTED = 候补
label-TrainingApplicationState-REJECTED = 未录取
label-TrainingApplicationState-WITHDRAWN = 已撤回
label-TrainingAttendanceStatus-PRESENT = 出席
label-TrainingAttendanceStatus-LATE = 迟到
label-TrainingAttendanceStatus-ABSENT = 缺席
label-TrainingAttendanceStatus-EXCUSED = 请假
label-TrainingDecision-ACCEPT = 录取
label-TrainingDecision-WAITLIST = 列入候补
label-TrainingDecision-REJECT = 不录取
label-TrainingSessionKind-PRE_TRAINING = 行前培训
label-TrainingSessionKind-LECTURE = 讲课
label-TrainingSessionKind-PLACEMENT = 实地派驻
label-TrainingSessionKind-PRELIMINARY = 预赛
label-TrainingSessionKind-FINAL = 决赛
label-TrainingSessionKind-COACHING = 辅导
label-TrainingSessionKind-CEREMONY = 仪式

## 申请历史记录的备注 (HistoryEntry.note, ADR 0029)
history-routed = 规则 { $rule }：{ $type } → { $department }
history-routed-language = 规则 { $rule }：{ $type }/{ $language } → { $department }
history-assigned-staff = { $staff } { $name }（在办 { $load } 件）
history-expected-completion = 预计完成 { $at }
history-reassigned = → { $department } / { $staff } { $name }
history-reassigned-noted = → { $department } / { $staff } { $name }：{ $note }
history-reassigned-unstaffed = → { $department }（无在岗职员）
history-reassigned-unstaffed-noted = → { $department }（无在岗职员）：{ $note }
history-rated = 评分 { $rating }
history-rerated = 评分 { $from } → { $to }
history-clock-resumed-business = 计时在暂停 { $minutes } 个工作分钟后恢复；办结期限 { $due }
history-clock-resumed-calendar = 计时在暂停 { $minutes } 分钟后恢复；办结期限 { $due }
history-sla-first-response-warning = 首次答复时限已用至预警比例；期限 { $due }
history-sla-first-response-breach = 首次答复期限 { $due } 已过
history-sla-resolution-warning = 办结时限已用至预警比例；期限 { $due }
history-sla-resolution-breach = 办结期限 { $due } 已过

## 活动：主办国轮换 (extensions.reason HOST_OUT_OF_TURN)
input-rotation-repeated = { $country } 已在轮换顺序中
input-rotation-too-short = 轮换顺序至少需要两个国家
rotation-not-in-rotation = { $host } 不在本系列的主办国轮换顺序（{ $order }）中
rotation-out-of-turn = 不符合轮换顺序：上一届由 { $last } 主办，因此下一届主办国是 { $expected }（轮换 { $order }），而不是 { $host }

## 研修：阶段评审淘汰 (ADR 0029)
training-cut-advanced = { $stage-name }：第 { $rank } 名，平均 { $mean } 分；进入第 { $next } 阶段
training-cut-eliminated = 未通过 { $stage-name }：第 { $rank } 名，平均 { $mean } 分
training-cut-applied = 第 { $stage } 阶段（{ $stage-name }）：{ $total } 人中 { $advanced } 人晋级
training-cut-unscored = 第 { $stage } 阶段有 { $count } 份申请尚未评分：{ $ids }

## 活动与研修历史记录的备注 (ADR 0029)
events-registered-seats = { $seats } 个席位
training-promoted = 因申请 { $freed-by } 空出名额而递补
training-stipends-scheduled = 已安排 { $from } – { $to } 期间的 { $count } 笔支付

## 服务的错误语句 (ADR 0029)：英文原文完全一致的错误按此消息表达
input-cursor-list = 不是此列表的游标
input-first-negative = `first` 不能为负数
input-unknown-department = 未知的部门
input-http-url = 必须是 http(s) URL
input-between-1-99 = 必须在 1 到 99 之间
input-not-negative = 不能为负数
input-listed-twice = 重复列出
input-after-starts-at = 必须晚于 startsAt
input-required-one-language = 至少需要一种语言的内容
input-accept-or-reject = 必须是 ACCEPT 或 REJECT
input-unknown-series = 未知的系列
input-upload-first-names-file = 只有上传的第一条消息可以指定文件
input-email = 不是电子邮件地址
input-date-plain = 必须是 YYYY-MM-DD 格式的日期
input-request-id = 必须是申请 ID（UUID）
input-at-most-100-chars = 最多 100 个字符
rule-only-requester-rates = 只有提交申请的人可以评价答复
input-after-from = 必须晚于 `from`
input-unknown-staff = 未知的职员
rule-officials-need-organisation = 地方公务员需要所属机构
input-at-most-50-contacts = 最多 50 个联系人
input-year-1900-2100 = 必须在 1900 到 2100 之间
input-positive = 必须为正数
rule-last-stage-no-cut = 最后阶段以决定结束，而不是淘汰
input-required-one-based = 必填（从 1 开始计数）
input-at-most-20-practices = 最多 20 个优秀案例
input-practice-id = 必须是优秀案例 ID
input-required-outside-series = 不属于系列的活动必须填写
input-not-before-start-date = 不能早于 startDate
input-event-32-days = 活动最长 32 天
input-after-registration-opens = 必须晚于 registrationOpensAt
input-preferred-dates = 请提供 1 到 5 个希望日期
input-not-in-past = 不能是过去的时间
input-one-year = 必须都在同一年内（讲座计入年度名额）
input-at-most-1000 = 不能超过 1000
input-at-most-20-speakers = 最多 20 位演讲者
input-session-12-hours = 单个环节最长 12 小时
input-uuid = 必须是 ID（UUID）
input-date-parenthesised = 必须是日期（YYYY-MM-DD）
input-time-zone = 必须是 IANA 时区，例如 "Asia/Seoul"
input-unspecified = 未指定
input-only-accepted-references = 只有已采纳的投稿可以引用优秀案例
rule-only-submitter-withdraws = 只有提交人可以撤回投稿
rule-only-bureau-reviews = 只有事务局职员审核投稿
input-required-to-cancel = 取消时必须填写
input-required-staff-lecture = 事务局职员申请讲座时必须填写
input-lecture-series = 必须是讲座系列
rule-lectures-own-lg = 公务员只能为本地方政府申请讲座
rule-not-a-local-government = 您的机构不是地方政府
rule-lectures-by-lgs = 讲座由地方政府申请
rule-lecture-requests-audience = 讲座申请仅供地方政府和事务局使用
input-not-on-registration = 不在此报名中
rule-only-registrant-accepts = 只有报名人可以接受席位
rule-already-registered = 您已报名此活动
input-file-id = 必须是文件 ID（UUID）
input-upload-first-owner = 上传的第一条消息必须指明所属对象和文件
input-timestamp = 不是有效的时间戳
input-notice-language = 必须是 ko、en、zh、ja 之一
input-notice-kind = 不是通知类型
input-delivery-status = 必须是 PENDING、SENT 或 FAILED
input-notification-ids = 包含不是通知 ID 的值
rule-deliveries-admins = 邮件发送记录仅供事务局管理员查看
rule-delivery-changed = 发送状态已发生变化，请重新读取
input-attachment-id = 必须是附件 ID（UUID）
input-exchange-kind = 必须是 SISTER_CITY、FRIENDSHIP_CITY、MEMORANDUM、PROJECT 或 OTHER
input-differ-from-source = 必须与源语言不同
input-interpretation-mode = 必须是 INTERPRETATION 或 TRANSLATION
input-on-or-after-start = 必须不早于开始日期
input-venue-unless-online = 非线上口译时必须填写
input-between-1-500 = 必须在 1 到 500 之间
input-destinations = 必须列出 1 到 10 个目的地
input-on-or-after-departure = 必须不早于出发日期
input-between-1-100 = 必须在 1 到 100 之间
input-number-range = 年份或序号超出范围
input-request-number = 格式必须类似 OB-2026-000123
input-workday-order = 工作日的开始时间必须早于结束时间
input-sla-minutes = 必须在 1 到 525600 分钟之间
input-not-exceed-resolution = 不能超过办结时限目标
input-are-required = 必填
input-between-1-5 = 必须在 1 到 5 之间
input-unknown-state = 未知的状态
input-unspecified-type = 未指定类型
input-message-id = 必须是消息 ID（UUID）
input-upload-first-request = 上传的第一条消息必须指明申请和文件
input-unknown-order = 未知的排序方式
input-year-2000-2100 = 必须在 2000 到 2100 之间
rule-no-staff-record = 调用者没有事务局职员记录
rule-requests-audience = 服务申请仅供地方政府和事务局职员使用
input-cursor-of-list = 不是此列表的游标
input-rule-language = 只有口笔译规则可以指定语言
rule-routing-admins = 分派规则仅供事务局管理员使用
input-cursor-of-search = 不是此搜索的游标
input-unknown-local-government = 未知的地方政府
input-required-staff-submit = 事务局职员提交时必须填写
rule-submit-own-lg = 公务员只能为本地方政府提交申请
input-in-future = 必须是将来的时间
input-active-member = 必须是该部门的在岗职员
input-printable-100 = 最多 100 个可打印字符
input-at-least-1 = 至少为 1
input-area-code = 必须是以字母开头的 2 到 40 个小写字母、数字或下划线
input-administrative-code = 不是类似 11000 的标准行政区划代码
input-not-empty = 不能为空
input-tag = 最多 50 个字符，且不含逗号
input-phone = 不是电话号码
input-one-area = 请至少指定一个领域
input-media-type = 格式必须类似 type/subtype
input-100-mib = 不能超过 100 MiB
rule-withdrawn-no-reports = 已撤回的优秀案例不再接受报告
input-unknown-organisation = 未知的机构
rule-no-self-review = 作者不能审核自己的优秀案例
rule-partner-proposes-profile = 只有合作机构本身可以提议修改其机构资料
rule-profile-changes-audience = 只有事务局职员和合作机构可以查看资料变更
input-new-relationship-status = 新关系必须是 PROPOSED 或 ACTIVE
input-foreign-lg = 不是外国地方政府
rule-interaction-log-audience = 交流记录仅供事务局职员和相关地方政府查看
rule-relationship-ended = 该关系已终止
input-at-most-10-words = 最多 10 个词
rule-unpublished-staff-only = 只有事务局职员可以列出未发布的优秀案例
input-working-language = 请至少指定一种工作语言
input-mime-type = 必须是 MIME 类型
input-sha256 = 必须是 64 位十六进制数字
input-certificate-code = 不是证书编号（GLC-XXXX-XXXX-XXXX-XXXX-XXXX）
input-currency = 必须是 ISO 4217 代码，例如 "KRW"
input-top-n = TOP_N 需要至少为 1 的 N
input-threshold = 分数线是 0 到 100 之间的分数
input-grade-bound = 必须是 1 到 9 的职级（0 = 不限）
input-max-grade = 必须不低于 minGrade（1 级最高）
input-caller-subject = 必须是调用者主体（1 到 100 个字符，无空格）
input-after-applications-open = 必须不早于 applicationsOpenOn
input-after-applications-close = 必须晚于 applicationsCloseOn
input-after-starts-on = 必须不早于 startsOn
input-stipend-line-twice = 已有补贴项目
input-host-codes = 由接收地方政府支付时必须填写
input-grade = 必须是 1 到 9 的行政职级
input-one-participant = 请至少记录一名参加者
input-participation-change = 请至少提供 hostCode、mentor、joinedOn、leftOn 之一
input-score = 必须在 0 到 100 之间
rule-applications-by-officials = 申请由地方公务员提交
rule-only-applicant-submits = 只有申请人可以提交
rule-only-applicant-withdraws = 只有申请人可以撤回
rule-certificates-concurrent = 另一个调用正在颁发证书，请重试
input-required-screening-fails = 审查未通过时必须填写
input-no-such-stage = 该期次没有此阶段
rule-only-applicant-attaches = 只有申请人可以为申请附加材料
rule-applications-audience = 申请仅供申请人和事务局职员查看
input-within-edition = 必须在该期次的日期之内
input-left-on = 必须不早于 joinedOn 且在该期次的日期之内
input-not-participant = 不是此环节所属期次的录取参加者
input-unknown-programme = 未知的项目
rule-edition-concurrent = 另一个调用正在创建该期次，请重试
rule-edition-published = 该期次已发布
rule-stipends-audience = 补贴仅供管理人员和参加者查看
rule-no-stipend-policy = 该期次没有补贴政策

## 申请、报名与研修申请的错误和拒绝 (ADR 0029；括号内为 extensions.reason)
input-details-type = 详情属于 { $details }，但申请类型是 { $type }
input-interpretation-days = 口译最长 { $max } 天
input-visit-days = 访问最长 { $max } 天
rule-organisation-not-lg = 机构 `{ $org }` 不是已知的地方政府
rule-idempotency-key-reused = 幂等键 `{ $key }` 已用于另一个申请
rule-idempotency-key-reused-application = 幂等键 `{ $key }` 已用于另一份研修申请
rule-reopen-window-closed = { $days } 天的重新打开期限已于 { $at } 结束
rule-reply-finished = 无法回复处于 { $state } 状态的申请
rule-files-finished = 处于 { $state } 状态的申请不能再添加文件
rule-survey-not-answered = 处于 { $state } 状态的申请尚无可评价的最终答复
rule-survey-window-closed = 评分只能在 { $at } 之前修改（重新打开期限为 { $days } 天）
rule-registration-not-open = 此活动未开放报名（当前为 { $state }）
rule-registration-opens-at = 报名将于 { $at } 开始
rule-registration-closed-at = 报名已于 { $at } 截止
input-delegation-larger-than-event = 代表团（{ $seats } 人）超过活动容量（{ $capacity } 个席位）
input-delegation-size = 代表团最多 { $max } 人
rule-offer-lapsed = 席位已于 { $at } 过期
rule-check-in-not-ongoing = 只能在活动进行中（ONGOING）签到（当前为 { $state }）
rule-check-in-not-confirmed = 只有已确认的报名才能签到（此报名为 { $state }）
input-day-of-event = 必须是活动期间的某一天（{ $first } 至 { $last }）
rule-already-checked-in = { $attendee } 已于 { $day } 签到
rule-call-closed = 投稿征集已截止（活动状态为 { $state }）
input-at-most-answers = 最多 { $max } 个回答
input-at-most-attachments = 最多 { $max } 个附件
input-bytes-range = 必须在 1 到 { $max } 字节之间
rule-papers-finished = 处于 { $state } 状态的申请不能再添加材料
rule-not-under-review-at-stage = 该申请处于第 { $current } 阶段的 { $state } 状态，不在第 { $stage } 阶段评审中
rule-cut-first = 该申请处于共 { $last } 个阶段中的第 { $current } 阶段：请先执行该阶段的淘汰
rule-edition-full = 该期次已满（{ $capacity } 个名额已占 { $taken } 个）：请改为候补

## 机构目录管理 (ADR 0035)
label-LocalGovernmentLevel-METROPOLITAN = 广域市·特别市
label-LocalGovernmentLevel-PROVINCE = 道
label-LocalGovernmentLevel-CITY = 市
label-LocalGovernmentLevel-COUNTY = 郡
label-LocalGovernmentLevel-DISTRICT = 自治区
directory-parent-not-allowed = { $code } 是广域自治团体，没有上级自治团体
directory-parent-required = { $code } 是基层自治团体，须指定其上级广域自治团体
directory-unknown-parent = 未知的上级自治团体 { $parent }
directory-parent-not-upper = { $parent } 不是广域自治团体
directory-duplicate-code = { $code } 已存在
directory-has-children = { $code } 下属有基层自治团体，须保持为广域自治团体
directory-lead-not-in-department = { $staff } 不是 { $department } 的成员
directory-lead-departed = { $staff } 已离职
directory-duplicate-subject = 已有其他职员以 { $subject } 登录
directory-already-departed = { $staff } 已经离职
directory-absence-ends-before-start = 缺勤结束日（{ $to }）早于开始日（{ $from }）
history-reassigned-departed = { $departed } 离职：-> { $department } / { $staff } { $name }
history-reassigned-departed-unstaffed = { $departed } 离职：-> { $department }（无可用职员）
