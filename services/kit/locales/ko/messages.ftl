# 사람이 읽는 메시지: 한국어. 모든 키는 en, zh, ja에 같은 자리표시자로 있어야 합니다.

## 더 구체적인 메시지가 없을 때 오류가 말하는 것 (extensions.code 별).
code-unauthenticated = 인증이 필요합니다
code-forbidden = 이 작업을 할 권한이 없습니다
code-not-found = 찾을 수 없거나 볼 수 없는 항목입니다
code-bad-user-input = 요청이 올바르지 않습니다
code-bad-user-input-field = 입력 `{ $field }`이(가) 올바르지 않습니다
code-conflict = 현재 상태에서는 이 변경을 할 수 없습니다
code-unavailable = 서비스를 사용할 수 없습니다. 잠시 후 다시 시도하세요
code-internal = 내부 오류가 발생했습니다

## 해석할 수 없는 입력 (BAD_USER_INPUT).
input-required = 필수 항목입니다
input-too-short = { $min }자 이상이어야 합니다
input-too-long = { $max }자 이하여야 합니다 (입력: { $got }자)
input-control-characters = 제어 문자를 포함할 수 없습니다
input-one-line = 제어 문자 없이 한 줄이어야 합니다
input-unknown-value = 알 수 없는 값 `{ $value }`
input-language-code = ISO 639-1 언어 코드여야 합니다: ISO 목록에 있는 소문자 두 글자 (예: "ko")
input-country-code = ISO 3166-1 alpha-2 국가 코드여야 합니다: ISO 목록에 있는 대문자 두 글자 (예: "JP")
input-version = 조회한 버전이어야 합니다 (1 이상)

## 모든 서비스에 공통인 오류.
error-unauthenticated = 인증이 필요합니다
error-not-found = { $what }을(를) 찾을 수 없습니다
error-stale-version = 버전 { $seen }은(는) 최신이 아닙니다. 현재 버전은 { $current }입니다

## 게이트웨이의 문서 제한.
limit-depth = 쿼리 중첩이 너무 깊습니다. 최대 { $max }단계까지 허용됩니다
limit-document-bytes = 문서 크기가 { $bytes }바이트입니다. 최대 { $max }바이트까지 허용됩니다
limit-complexity = 쿼리가 너무 복잡합니다: 필드 { $count }개. 최대 { $max }개까지 허용됩니다
limit-aliases = 별칭이 { $count }개입니다. 최대 { $max }개까지 허용됩니다
limit-fragment-spreads = 프래그먼트 전개가 { $count }개입니다. 최대 { $max }개까지 허용됩니다
limit-directives = 지시어가 { $count }개입니다. 최대 { $max }개까지 허용됩니다
limit-variables = 변수가 { $count }개입니다. 최대 { $max }개까지 허용됩니다
limit-fragment-cycle = 프래그먼트 "{ $fragment }"이(가) 자기 자신을 전개합니다

## 연수: 신청자가 자격이 없는 이유 (EligibilityFailure.reason).
eligibility-not-published = 이 차수는 신청을 받지 않습니다
eligibility-window = 신청 기간은 { $from }부터 { $to }까지입니다
eligibility-applicant-kind = 이 차수는 { $kinds } 신청자만 받습니다
eligibility-organisation-type = 이 차수는 { $types } 기관만 대상입니다
eligibility-korean-nationals = 이 차수는 한국 국적자 대상입니다
eligibility-foreign-nationals = 이 차수는 외국 국적자 대상입니다
eligibility-grade-missing = 이 차수는 { $bound ->
        [both] { $min }급부터 { $max }급까지
        [min] { $min }급 이하
        [max] { $max }급 이상
       *[any] 모든 직급
    } 대상입니다: 직급을 입력하세요
eligibility-grade-outside = 이 차수는 { $bound ->
        [both] { $min }급부터 { $max }급까지
        [min] { $min }급 이하
        [max] { $max }급 이상
       *[any] 모든 직급
    } 대상입니다. { $grade }급은 해당하지 않습니다
eligibility-languages = 이 차수의 사용 언어는 { $languages }입니다. 그중 하나를 입력하세요
eligibility-one-active = 이 차수에 이미 진행 중인 신청({ $application })이 있습니다

## 연수: 참가자가 수료증을 받지 못한 이유 (CertificateSkip.reason).
certificate-attendance = { $counted }회 중 { $attended }회 출석 (최소 { $percent }% 필요)

## 요청: 해석할 수 없는 검색어 (`query`의 BAD_USER_INPUT).
search-query-empty = 검색할 단어를 하나 이상 입력하세요
search-query-too-long = 검색어는 최대 { $max }자입니다 (입력: { $got }자)
search-query-too-many-words = 검색어는 최대 { $max }개 단어입니다 (입력: { $got }개)
search-query-word-too-short = "{ $word }"은(는) 너무 짧습니다: 각 단어는 { $min }자 이상이어야 합니다

## 요청: 중복 요청 병합과 관련 요청 연결 (extensions.reason MERGE_*, LINK_*).
relation-merge-into-itself = 요청 { $number }을(를) 자기 자신에게 병합할 수 없습니다
relation-merge-already-merged = 요청 { $number }은(는) 이미 다른 요청에 병합되었습니다
relation-merge-into-merged = 요청 { $number }은(는) 다른 요청에 병합된 요청입니다. 그 요청에 병합하세요
relation-merge-into-closed = 요청 { $number }은(는) 종결·철회·반려되어 중복 요청을 받을 수 없습니다
relation-merge-duplicate-closed = 요청 { $number }은(는) 이미 답변되었거나 끝났습니다. 답변을 기다리는 요청만 병합할 수 있습니다
relation-merge-has-duplicates = 요청 { $number }에는 다른 요청이 병합되어 있어 다시 병합할 수 없습니다
relation-merge-linked = 요청 { $number }은(는) 다른 요청과 연결되어 있습니다. 병합하기 전에 연결을 해제하세요
relation-other-local-government = 요청 { $number }은(는) 다른 지방자치단체의 요청입니다
relation-link-to-itself = 요청 { $number }을(를) 자기 자신과 연결할 수 없습니다
relation-link-merged = 요청 { $number }은(는) 병합되어 연결할 수 없습니다
relation-link-has-parent = 요청 { $number }은(는) 이미 다른 요청 아래에 연결되어 있습니다
relation-link-nested = 요청 { $number }은(는) 이미 연결에 속해 있습니다. 연결은 한 단계까지만 가능합니다

## 연구: 파트너가 자기 기관의 프로필을 관리 (괄호 안은 extensions.reason).
research-not-own-organisation = 파트너는 자기 기관의 프로필만 변경할 수 있습니다
research-profile-change-pending = 이 프로필의 변경 요청이 이미 검토를 기다리고 있습니다
research-profile-change-decided = 이 프로필 변경 요청은 이미 검토되었습니다

## 게이트웨이의 요청 한도 (429).
limit-rate = 요청이 너무 많습니다. { $seconds }초 후에 다시 시도하세요
limit-partner-quota = 파트너 한도({ $window }초에 { $limit }건 요청)를 모두 사용했습니다. { $seconds }초 후에 다시 시도하세요

## 업로드한 파일 (ADR 0022, ADR 0026): 고정된 사유 코드가 앞에 옵니다.
file-too-large = FILE_TOO_LARGE: 파일이 여기에서 허용하는 { $max }바이트보다 큽니다
file-empty = EMPTY_FILE: 파일이 비어 있습니다
file-unsupported-type = UNSUPPORTED_MEDIA_TYPE: PDF, 이미지(PNG, JPEG, GIF, WebP), 오피스 문서(Word, Excel, PowerPoint, HWP, HWPX, OpenDocument), ZIP, 일반 텍스트만 받습니다. 형식은 이름이 아니라 내용으로 판단합니다
file-limit-count = ATTACHMENT_LIMIT: 여기에는 파일을 최대 { $max }개까지 첨부할 수 있습니다
file-limit-bytes = ATTACHMENT_LIMIT: 여기에 첨부한 파일은 모두 합쳐 최대 { $max }바이트입니다
file-name-path = 경로나 제어 문자가 없는 파일 이름이어야 합니다

## 내보낸 목록(CSV, XLSX)의 열 제목.
export-number = 접수번호
export-type = 유형
export-title = 제목
export-state = 상태
export-local-government = 지방자치단체
export-department = 담당 부서
export-assignee = 담당자
export-requester = 요청자
export-submitted-at = 접수 일시 (KST)
export-resolution-due-at = 처리 기한 (KST)
export-first-response-at = 최초 응답 (KST)
export-final-response-at = 최종 응답 (KST)
## 호출자 (ADR 0029)
error-caller-name-missing = 토큰에 이름(`name` 또는 `preferred_username` 클레임)이 없고 직원 명부에도 없습니다. 이름이 있는 토큰으로 다시 로그인하세요

## 행사: 발표가 인용하는 우수사례 (ADR 0029)
input-practice-unknown = `{ $id }` 우수사례가 없습니다(또는 볼 수 없습니다)

## 열거형 값의 이름 (enumLabels, ADR 0029): label-<열거형>-<값>
label-ApplicantKind-OFFICIAL = 공무원
label-ApplicantKind-LOCAL_GOVERNMENT = 지방자치단체
label-ContributionDecision-ACCEPT = 채택
label-ContributionDecision-REJECT = 불채택
label-ContributionState-SUBMITTED = 제출됨
label-ContributionState-ACCEPTED = 채택됨
label-ContributionState-REJECTED = 불채택
label-ContributionState-WITHDRAWN = 철회됨
label-EligibilityRule-PUBLISHED = 과정 공고
label-EligibilityRule-APPLICATION_WINDOW = 신청 기간
label-EligibilityRule-APPLICANT_KIND = 신청자 유형
label-EligibilityRule-ORGANISATION_TYPE = 기관 유형
label-EligibilityRule-NATIONALITY = 국적
label-EligibilityRule-GRADE = 직급
label-EligibilityRule-LANGUAGE = 언어
label-EligibilityRule-ONE_ACTIVE_APPLICATION = 진행 중인 신청 1건
label-EmailDeliveryStatus-PENDING = 발송 대기
label-EmailDeliveryStatus-SENT = 발송됨
label-EmailDeliveryStatus-FAILED = 발송 실패
label-EmailStatus-NONE = 이메일 없음
label-EmailStatus-PENDING = 발송 대기
label-EmailStatus-SENT = 발송됨
label-EmailStatus-FAILED = 발송 실패
label-EventAction-PUBLISH = 공개
label-EventAction-OPEN_REGISTRATION = 등록 시작
label-EventAction-CLOSE_REGISTRATION = 등록 마감
label-EventAction-START = 시작
label-EventAction-COMPLETE = 종료
label-EventAction-CANCEL = 취소
label-EventKind-CONFERENCE = 회의
label-EventKind-WORKSHOP = 워크숍
label-EventKind-FORUM = 포럼
label-EventKind-LECTURE = 강연
label-EventRegistrationKind-INDIVIDUAL = 개인
label-EventRegistrationKind-DELEGATION = 대표단
label-EventRegistrationState-PENDING = 대기
label-EventRegistrationState-CONFIRMED = 확정
label-EventRegistrationState-WAITLISTED = 대기자 명단
label-EventRegistrationState-OFFERED = 좌석 제안됨
label-EventRegistrationState-EXPIRED = 제안 만료
label-EventRegistrationState-CANCELLED = 취소됨
label-EventSessionKind-PLENARY = 전체 회의
label-EventSessionKind-PRESENTATION = 발표
label-EventSessionKind-DEBATE = 토론
label-EventSessionKind-QA = 질의응답
label-EventSessionKind-LECTURE = 강연
label-EventState-DRAFT = 작성 중
label-EventState-PUBLISHED = 공개됨
label-EventState-REGISTRATION_OPEN = 등록 중
label-EventState-REGISTRATION_CLOSED = 등록 마감
label-EventState-ONGOING = 진행 중
label-EventState-COMPLETED = 종료됨
label-EventState-CANCELLED = 취소됨
label-ExchangeKind-SISTER_CITY = 자매도시
label-ExchangeKind-FRIENDSHIP_CITY = 우호도시
label-ExchangeKind-MEMORANDUM = 업무협약(MOU)
label-ExchangeKind-PROJECT = 공동 사업
label-ExchangeKind-OTHER = 기타
label-RequestStatisticsDimension-TYPE = 요청 유형
label-RequestStatisticsDimension-LOCAL_GOVERNMENT = 지방자치단체
label-RequestStatisticsDimension-DEPARTMENT = 부서
label-RequestStatisticsDimension-MONTH = 월
label-HistoryVisibility-REQUESTER = 요청자 공개
label-HistoryVisibility-INTERNAL = 내부용
label-HolidayKind-PUBLIC = 공휴일
label-HolidayKind-SUBSTITUTE = 대체공휴일
label-HolidayKind-ONE_OFF = 임시공휴일
label-InteractionKind-MEETING = 회의
label-InteractionKind-VISIT = 방문
label-InteractionKind-EXCHANGE = 교류
label-InteractionKind-OTHER = 기타
label-InterpretationMode-INTERPRETATION = 통역
label-InterpretationMode-TRANSLATION = 번역
label-Language-KO = 한국어
label-Language-EN = 영어
label-Language-ZH = 중국어
label-Language-JA = 일본어
label-LectureRequestState-REQUESTED = 요청됨
label-LectureRequestState-SCHEDULED = 일정 확정
label-LectureRequestState-DECLINED = 거절됨
label-MessageKind-MID_RESPONSE = 중간 답변
label-MessageKind-FINAL_RESPONSE = 최종 답변
label-MessageKind-REQUESTER_REPLY = 요청자 답글
label-MessageKind-STAFF_NOTE = 직원 메모
label-MessageKind-QUESTION = 요청자에게 질문
label-NationalityRule-ANY = 국적 무관
label-NationalityRule-KOREAN = 한국 국적
label-NationalityRule-FOREIGN = 외국 국적
label-NoticeLanguage-KO = 한국어
label-NoticeLanguage-EN = 영어
label-NoticeLanguage-ZH = 중국어
label-NoticeLanguage-JA = 일본어
label-OperationType-QUERY = 조회
label-OperationType-MUTATION = 변경
label-OperationType-SUBSCRIPTION = 구독
label-OpportunityStatus-PROPOSED = 제안됨
label-OpportunityStatus-OPEN = 진행 중
label-OpportunityStatus-CLOSED = 마감
label-OpportunityStatus-DECLINED = 거절됨
label-OrganisationKind-LOCAL_GOVERNMENT_ASSOCIATION = 지방자치단체 협의체
label-OrganisationKind-OVERSEAS_OFFICE = 해외사무소
label-OrganisationKind-FOREIGN_MISSION = 주한 외국공관
label-OrganisationKind-FOREIGN_ADVISOR = 외국인 자문관
label-OrganisationKind-FOREIGN_LOCAL_GOVERNMENT = 외국 지방정부
label-OrganisationKind-ACADEMIA = 학계
label-OrganisationProfileChangeStatus-PENDING = 검토 대기
label-OrganisationProfileChangeStatus-APPROVED = 승인됨
label-OrganisationProfileChangeStatus-REJECTED = 반려됨
label-OrganisationType-KOREAN_LOCAL_GOVERNMENT = 국내 지방자치단체
label-OrganisationType-FOREIGN_LOCAL_GOVERNMENT = 외국 지방정부
label-OrganisationType-OTHER = 기타
label-PracticeSort-RELEVANCE = 관련도순
label-PracticeSort-NEWEST = 최신순
label-PracticeState-DRAFT = 작성 중
label-PracticeState-IN_REVIEW = 검토 중
label-PracticeState-PUBLISHED = 발간됨
label-PracticeState-WITHDRAWN = 철회됨
label-ProgrammeKind-INVITATION_FELLOWSHIP = 초청 연수
label-ProgrammeKind-OVERSEAS_TRAINING = 해외 연수
label-ProgrammeKind-ACADEMY = 아카데미
label-ProgrammeKind-SPEECH_CONTEST = 말하기 대회
label-ProgrammeKind-COACHING = 코칭
label-RelationshipKind-SISTER_CITY = 자매도시
label-RelationshipKind-FRIENDSHIP_CITY = 우호도시
label-RelationshipKind-MEMORANDUM = 업무협약(MOU)
label-RelationshipStatus-PROPOSED = 제안됨
label-RelationshipStatus-ACTIVE = 활동 중
label-RelationshipStatus-SUSPENDED = 중단됨
label-RelationshipStatus-ENDED = 종료됨
label-ReviewCutKind-NONE = 선발 기준 없음
label-ReviewCutKind-TOP_N = 상위 N명
label-ReviewCutKind-THRESHOLD = 기준 점수
label-Role-LOCAL_OFFICIAL = 지방자치단체 공무원
label-Role-BUREAU_STAFF = 사무국 직원
label-Role-BUREAU_ADMIN = 사무국 관리자
label-Role-PARTNER = 협력기관
label-ScreeningOutcome-START = 서류 심사 시작
label-ScreeningOutcome-PASS = 통과
label-ScreeningOutcome-FAIL = 불합격
label-ServiceRequestOrder-NEWEST = 최신순
label-ServiceRequestOrder-DUE_SOONEST = 마감 임박순
label-ServiceRequestSearchField-TITLE = 제목
label-ServiceRequestSearchField-DESCRIPTION = 내용
label-ServiceRequestSearchField-MESSAGE = 메시지
label-ServiceRequestSearchOrder-RELEVANCE = 관련도순
label-ServiceRequestSearchOrder-NEWEST = 최신순
label-ServiceRequestState-SUBMITTED = 신청됨
label-ServiceRequestState-REGISTERED = 접수됨
label-ServiceRequestState-DEPARTMENT_ASSIGNED = 부서 배정
label-ServiceRequestState-STAFF_ASSIGNED = 담당자 배정
label-ServiceRequestState-MID_RESPONDED = 중간 답변
label-ServiceRequestState-FINAL_RESPONDED = 최종 답변
label-ServiceRequestState-CLOSED = 종결
label-ServiceRequestState-WITHDRAWN = 취하됨
label-ServiceRequestState-REJECTED = 반려됨
label-ServiceRequestState-REOPENED = 재요청
label-ServiceRequestState-AWAITING_REQUESTER = 요청자 답변 대기
label-ServiceRequestState-MERGED = 병합됨
label-ServiceRequestType-INTERPRETATION_TRANSLATION = 통번역
label-ServiceRequestType-INTERNATIONAL_EXCHANGE = 국제교류
label-ServiceRequestType-OVERSEAS_VISIT = 해외 방문
label-ServiceRequestType-INFORMATION_REQUEST = 정보 요청
label-ServiceRequestType-GENERAL_INQUIRY = 일반 문의
label-SlaClock-BUSINESS = 업무 시간
label-SlaClock-CALENDAR = 달력 시간
label-StipendPayer-ASSOCIATION = 협회
label-StipendPayer-HOST_LOCAL_GOVERNMENT = 초청 지방자치단체
label-StipendPaymentAction-APPROVE = 승인
label-StipendPaymentAction-PAY = 지급
label-StipendPaymentAction-FAIL = 지급 실패 처리
label-StipendPaymentAction-RETRY = 재시도
label-StipendPaymentState-SCHEDULED = 예정
label-StipendPaymentState-APPROVED = 승인됨
label-StipendPaymentState-PAID = 지급됨
label-StipendPaymentState-FAILED = 지급 실패
label-TrainingApplicationState-DRAFT = 작성 중
label-TrainingApplicationState-SUBMITTED = 제출됨
label-TrainingApplicationState-SCREENING = 서류 심사 중
label-TrainingApplicationState-UNDER_REVIEW = 심사 중
label-TrainingApplicationState-ACCEPTED = 선발됨
label-TrainingApplicationState-WAITLISTED = 예비 선발
label-TrainingApplicationState-REJECTED = 미선발
label-TrainingApplicationState-WITHDRAWN = 철회됨
label-TrainingAttendanceStatus-PRESENT = 출석
label-TrainingAttendanceStatus-LATE = 지각
label-TrainingAttendanceStatus-ABSENT = 결석
label-TrainingAttendanceStatus-EXCUSED = 공결
label-TrainingDecision-ACCEPT = 선발
label-TrainingDecision-WAITLIST = 예비 선발
label-TrainingDecision-REJECT = 미선발
label-TrainingSessionKind-PRE_TRAINING = 사전 교육
label-TrainingSessionKind-LECTURE = 강의
label-TrainingSessionKind-PLACEMENT = 현장 배치
label-TrainingSessionKind-PRELIMINARY = 예선
label-TrainingSessionKind-FINAL = 본선
label-TrainingSessionKind-COACHING = 코칭
label-TrainingSessionKind-CEREMONY = 행사

## 요청 이력의 메모 (HistoryEntry.note, ADR 0029)
history-routed = 규칙 { $rule }: { $type } → { $department }
history-routed-language = 규칙 { $rule }: { $type }/{ $language } → { $department }
history-assigned-staff = { $staff } { $name } (처리 중 { $load }건)
history-expected-completion = 완료 예정 { $at }
history-reassigned = → { $department } / { $staff } { $name }
history-reassigned-noted = → { $department } / { $staff } { $name }: { $note }
history-reassigned-unstaffed = → { $department } (배정 가능한 직원 없음)
history-reassigned-unstaffed-noted = → { $department } (배정 가능한 직원 없음): { $note }
history-rated = 만족도 { $rating }점
history-rerated = 만족도 { $from }점 → { $to }점
history-clock-resumed-business = 업무 시간 { $minutes }분 정지 후 처리 시한 재개. 처리 기한 { $due }
history-clock-resumed-calendar = { $minutes }분 정지 후 처리 시한 재개. 처리 기한 { $due }
history-sla-first-response-warning = 첫 답변 기한의 경고 구간에 들어섰습니다. 기한 { $due }
history-sla-first-response-breach = 첫 답변 기한 { $due }이(가) 지났습니다
history-sla-resolution-warning = 처리 기한의 경고 구간에 들어섰습니다. 기한 { $due }
history-sla-resolution-breach = 처리 기한 { $due }이(가) 지났습니다

## 행사: 개최국 순번 (extensions.reason HOST_OUT_OF_TURN)
input-rotation-repeated = { $country }은(는) 이미 순번에 있습니다
input-rotation-too-short = 순번에는 두 나라 이상이 필요합니다
rotation-not-in-rotation = { $host }은(는) 이 시리즈의 개최국 순번({ $order })에 없습니다
rotation-out-of-turn = 순번이 아닙니다: 직전 회차를 { $last }에서 개최했으므로 다음 개최국은 { $expected }입니다(순번 { $order }). { $host }이(가) 아닙니다

## 연수: 단계별 심사 컷 (ADR 0029)
training-cut-advanced = { $stage-name }: { $rank }위, 평균 { $mean }점, { $next }단계 진출
training-cut-eliminated = { $stage-name }에서 탈락: { $rank }위, 평균 { $mean }점
training-cut-applied = { $stage }단계({ $stage-name }): { $total }명 중 { $advanced }명 진출
training-cut-unscored = { $stage }단계에 아직 점수가 없는 신청 { $count }건이 있습니다: { $ids }

## 행사와 연수 이력의 메모 (ADR 0029)
events-registered-seats = { $seats }석
training-promoted = 신청 { $freed-by }의 자리가 비어 선발
training-stipends-scheduled = { $from } – { $to } 기간 지급 { $count }건 예정

## 서비스 오류 문장 (ADR 0029): 영어 문장이 그대로 일치하면 이 메시지로 말합니다
input-cursor-list = 이 목록의 커서가 아닙니다
input-first-negative = `first`는 음수일 수 없습니다
input-unknown-department = 알 수 없는 부서입니다
input-http-url = http(s) URL이어야 합니다
input-between-1-99 = 1에서 99 사이여야 합니다
input-not-negative = 음수일 수 없습니다
input-listed-twice = 두 번 들어 있습니다
input-after-starts-at = startsAt 이후여야 합니다
input-required-one-language = 한 개 이상의 언어로 입력해야 합니다
input-accept-or-reject = ACCEPT 또는 REJECT여야 합니다
input-unknown-series = 알 수 없는 시리즈입니다
input-upload-first-names-file = 업로드의 첫 메시지만 파일 이름을 지정할 수 있습니다
input-email = 이메일 주소가 아닙니다
input-date-plain = YYYY-MM-DD 형식의 날짜여야 합니다
input-request-id = 요청 ID(UUID)여야 합니다
input-at-most-100-chars = 100자 이하여야 합니다
rule-only-requester-rates = 요청을 제출한 사람만 답변을 평가할 수 있습니다
input-after-from = `from` 이후여야 합니다
input-unknown-staff = 알 수 없는 직원입니다
rule-officials-need-organisation = 지방자치단체 공무원에게는 소속 기관이 필요합니다
input-at-most-50-contacts = 연락처는 최대 50개입니다
input-year-1900-2100 = 1900에서 2100 사이여야 합니다
input-positive = 양수여야 합니다
rule-last-stage-no-cut = 마지막 단계는 컷이 아니라 결정으로 끝납니다
input-required-one-based = 필수입니다(1부터 셉니다)
input-at-most-20-practices = 우수사례는 최대 20개입니다
input-practice-id = 우수사례 ID여야 합니다
input-required-outside-series = 시리즈에 속하지 않은 행사에는 필수입니다
input-not-before-start-date = startDate보다 이전일 수 없습니다
input-event-32-days = 행사 기간은 최대 32일입니다
input-after-registration-opens = registrationOpensAt 이후여야 합니다
input-preferred-dates = 희망 날짜를 1~5개 입력하세요
input-not-in-past = 과거일 수 없습니다
input-one-year = 모두 같은 해여야 합니다(강연은 연간 한도에 포함됩니다)
input-at-most-1000 = 1000 이하여야 합니다
input-at-most-20-speakers = 연사는 최대 20명입니다
input-session-12-hours = 세션은 최대 12시간입니다
input-uuid = ID(UUID)여야 합니다
input-date-parenthesised = 날짜(YYYY-MM-DD)여야 합니다
input-time-zone = IANA 시간대여야 합니다(예: "Asia/Seoul")
input-unspecified = 지정되지 않았습니다
input-only-accepted-references = 채택된 발표만 우수사례를 참조할 수 있습니다
rule-only-submitter-withdraws = 제출한 사람만 발표를 철회할 수 있습니다
rule-only-bureau-reviews = 사무국 직원만 발표를 심사합니다
input-required-to-cancel = 취소하려면 필수입니다
input-required-staff-lecture = 사무국 직원이 강연을 요청할 때는 필수입니다
input-lecture-series = 강연 시리즈여야 합니다
rule-lectures-own-lg = 공무원은 소속 지방자치단체의 강연만 요청할 수 있습니다
rule-not-a-local-government = 소속 기관이 지방자치단체가 아닙니다
rule-lectures-by-lgs = 강연은 지방자치단체가 요청합니다
rule-lecture-requests-audience = 강연 요청은 지방자치단체와 사무국만 이용할 수 있습니다
input-not-on-registration = 이 등록에 없습니다
rule-only-registrant-accepts = 등록한 사람만 제안을 수락할 수 있습니다
rule-already-registered = 이 행사에 이미 등록했습니다
input-file-id = 파일 ID(UUID)여야 합니다
input-upload-first-owner = 업로드의 첫 메시지에는 대상과 파일을 지정해야 합니다
input-timestamp = 올바른 시각이 아닙니다
input-notice-language = ko, en, zh, ja 중 하나여야 합니다
input-notice-kind = 알림 종류가 아닙니다
input-delivery-status = PENDING, SENT 또는 FAILED여야 합니다
input-notification-ids = 알림 ID가 아닌 값이 있습니다
rule-deliveries-admins = 이메일 발송 내역은 사무국 관리자만 볼 수 있습니다
rule-delivery-changed = 그사이 발송 상태가 바뀌었습니다. 다시 조회하세요
input-attachment-id = 첨부파일 ID(UUID)여야 합니다
input-exchange-kind = SISTER_CITY, FRIENDSHIP_CITY, MEMORANDUM, PROJECT, OTHER 중 하나여야 합니다
input-differ-from-source = 원문 언어와 달라야 합니다
input-interpretation-mode = INTERPRETATION 또는 TRANSLATION이어야 합니다
input-on-or-after-start = 시작일과 같거나 그 이후여야 합니다
input-venue-unless-online = 온라인 통역이 아니면 필수입니다
input-between-1-500 = 1에서 500 사이여야 합니다
input-destinations = 방문지를 1~10곳 입력해야 합니다
input-on-or-after-departure = 출발일과 같거나 그 이후여야 합니다
input-between-1-100 = 1에서 100 사이여야 합니다
input-number-range = 연도 또는 일련번호가 범위를 벗어났습니다
input-request-number = OB-2026-000123 형식이어야 합니다
input-workday-order = 업무 시작 시각은 종료 시각보다 앞이어야 합니다
input-sla-minutes = 1분에서 525600분 사이여야 합니다
input-not-exceed-resolution = 처리 기한 목표를 넘을 수 없습니다
input-are-required = 필수입니다
input-between-1-5 = 1에서 5 사이여야 합니다
input-unknown-state = 알 수 없는 상태입니다
input-unspecified-type = 유형이 지정되지 않았습니다
input-message-id = 메시지 ID(UUID)여야 합니다
input-upload-first-request = 업로드의 첫 메시지에는 요청과 파일을 지정해야 합니다
input-unknown-order = 알 수 없는 정렬 순서입니다
input-year-2000-2100 = 2000에서 2100 사이여야 합니다
rule-no-staff-record = 호출자의 사무국 직원 기록이 없습니다
rule-requests-audience = 서비스 요청은 지방자치단체와 사무국 직원만 이용할 수 있습니다
input-cursor-of-list = 이 목록의 커서가 아닙니다
input-rule-language = 통번역 규칙에만 언어를 지정할 수 있습니다
rule-routing-admins = 배정 규칙은 사무국 관리자만 다룰 수 있습니다
input-cursor-of-search = 이 검색의 커서가 아닙니다
input-unknown-local-government = 알 수 없는 지방자치단체입니다
input-required-staff-submit = 사무국 직원이 제출할 때는 필수입니다
rule-submit-own-lg = 공무원은 소속 지방자치단체의 요청만 제출할 수 있습니다
input-in-future = 미래 시각이어야 합니다
input-active-member = 부서의 현재 직원이어야 합니다
input-printable-100 = 출력 가능한 문자 100자 이하여야 합니다
input-at-least-1 = 1 이상이어야 합니다
input-area-code = 영문 소문자로 시작하는 2~40자의 소문자, 숫자, 밑줄이어야 합니다
input-administrative-code = 11000과 같은 표준 행정기관 코드가 아닙니다
input-not-empty = 비어 있을 수 없습니다
input-tag = 쉼표 없이 50자 이하여야 합니다
input-phone = 전화번호가 아닙니다
input-one-area = 분야를 하나 이상 지정하세요
input-media-type = type/subtype 형식이어야 합니다
input-100-mib = 100MiB 이하여야 합니다
rule-withdrawn-no-reports = 철회된 우수사례에는 보고서를 더 붙일 수 없습니다
input-unknown-organisation = 알 수 없는 기관입니다
rule-no-self-review = 작성자는 자신의 우수사례를 검토할 수 없습니다
rule-partner-proposes-profile = 기관 정보 변경은 해당 협력기관만 제안할 수 있습니다
rule-profile-changes-audience = 기관 정보 변경은 사무국 직원과 협력기관만 볼 수 있습니다
input-new-relationship-status = 새 관계는 PROPOSED 또는 ACTIVE입니다
input-foreign-lg = 외국 지방정부가 아닙니다
rule-interaction-log-audience = 교류 기록은 사무국 직원과 해당 지방자치단체만 볼 수 있습니다
rule-relationship-ended = 관계가 종료되었습니다
input-at-most-10-words = 최대 10단어입니다
rule-unpublished-staff-only = 발간되지 않은 우수사례는 사무국 직원만 볼 수 있습니다
input-working-language = 업무 언어를 하나 이상 지정하세요
input-mime-type = MIME 형식이어야 합니다
input-sha256 = 16진수 64자리여야 합니다
input-certificate-code = 수료증 코드(GLC-XXXX-XXXX-XXXX-XXXX-XXXX)가 아닙니다
input-currency = ISO 4217 통화 코드여야 합니다(예: "KRW")
input-top-n = TOP_N에는 1 이상의 N이 필요합니다
input-threshold = 기준 점수는 0에서 100 사이입니다
input-grade-bound = 1~9 직급이어야 합니다(0 = 제한 없음)
input-max-grade = minGrade 이상이어야 합니다(1급이 가장 높습니다)
input-caller-subject = 호출자 주체(공백 없이 1~100자)여야 합니다
input-after-applications-open = applicationsOpenOn과 같거나 그 이후여야 합니다
input-after-applications-close = applicationsCloseOn 이후여야 합니다
input-after-starts-on = startsOn과 같거나 그 이후여야 합니다
input-stipend-line-twice = 이미 지원금 항목이 있습니다
input-host-codes = 초청 지방자치단체가 지급할 때는 필수입니다
input-grade = 1~9 행정 직급이어야 합니다
input-one-participant = 참가자를 한 명 이상 기록하세요
input-participation-change = hostCode, mentor, joinedOn, leftOn 중 하나 이상을 입력하세요
input-score = 0에서 100 사이여야 합니다
rule-applications-by-officials = 신청은 지방자치단체 공무원이 합니다
rule-only-applicant-submits = 신청자만 제출할 수 있습니다
rule-only-applicant-withdraws = 신청자만 철회할 수 있습니다
rule-certificates-concurrent = 다른 호출이 수료증을 발급하는 중입니다. 다시 시도하세요
input-required-screening-fails = 서류 심사에서 탈락시킬 때는 필수입니다
input-no-such-stage = 이 차수에는 그런 단계가 없습니다
rule-only-applicant-attaches = 신청자만 신청서에 서류를 첨부할 수 있습니다
rule-applications-audience = 신청서는 신청자와 사무국 직원만 볼 수 있습니다
input-within-edition = 차수 기간 안이어야 합니다
input-left-on = joinedOn과 같거나 그 이후이고 차수 기간 안이어야 합니다
input-not-participant = 이 세션이 속한 차수의 선발된 참가자가 아닙니다
input-unknown-programme = 알 수 없는 과정입니다
rule-edition-concurrent = 다른 호출이 차수를 만드는 중입니다. 다시 시도하세요
rule-edition-published = 차수가 이미 공고되었습니다
rule-stipends-audience = 지원금은 담당자와 참가자만 볼 수 있습니다
rule-no-stipend-policy = 차수에 지원금 정책이 없습니다

## 요청·등록·신청의 오류와 거절 (ADR 0029; extensions.reason은 괄호 안)
input-details-type = 세부 정보는 { $details } 유형인데 요청 유형은 { $type }입니다
input-interpretation-days = 통역 기간은 최대 { $max }일입니다
input-visit-days = 방문 기간은 최대 { $max }일입니다
rule-organisation-not-lg = `{ $org }` 기관은 등록된 지방자치단체가 아닙니다
rule-idempotency-key-reused = 멱등 키 `{ $key }`는 이미 다른 요청에 쓰였습니다
rule-idempotency-key-reused-application = 멱등 키 `{ $key }`는 이미 다른 신청에 쓰였습니다
rule-reopen-window-closed = 재요청 가능 기간({ $days }일)이 { $at }에 끝났습니다
rule-reply-finished = { $state } 상태의 요청에는 답글을 달 수 없습니다
rule-files-finished = { $state } 상태의 요청에는 더 이상 파일을 첨부할 수 없습니다
rule-survey-not-answered = { $state } 상태의 요청에는 아직 평가할 최종 답변이 없습니다
rule-survey-window-closed = 평가는 { $at }까지 바꿀 수 있었습니다(재요청 가능 기간 { $days }일)
rule-registration-not-open = 이 행사는 등록을 받고 있지 않습니다(현재 { $state })
rule-registration-opens-at = 등록은 { $at }에 시작됩니다
rule-registration-closed-at = 등록이 { $at }에 마감되었습니다
input-delegation-larger-than-event = 대표단({ $seats }명)이 행사 정원({ $capacity }석)보다 많습니다
input-delegation-size = 대표단은 최대 { $max }명입니다
rule-offer-lapsed = 좌석 제안이 { $at }에 만료되었습니다
rule-check-in-not-ongoing = 체크인은 행사가 진행 중(ONGOING)일 때만 할 수 있습니다(현재 { $state })
rule-check-in-not-confirmed = 확정된 등록만 체크인할 수 있습니다(이 등록은 { $state })
input-day-of-event = 행사 기간({ $first } ~ { $last }) 중 하루여야 합니다
rule-already-checked-in = { $attendee }님은 { $day }에 이미 체크인했습니다
rule-call-closed = 발표 모집이 마감되었습니다(행사 상태 { $state })
input-at-most-answers = 답변은 최대 { $max }개입니다
input-at-most-attachments = 첨부파일은 최대 { $max }개입니다
input-bytes-range = 1바이트에서 { $max }바이트 사이여야 합니다
rule-papers-finished = { $state } 상태의 신청에는 더 이상 서류를 첨부할 수 없습니다
rule-not-under-review-at-stage = 신청은 { $current }단계에서 { $state } 상태이며 { $stage }단계 심사 중이 아닙니다
rule-cut-first = 신청이 { $last }단계 중 { $current }단계에 있습니다. 먼저 이 단계의 컷을 적용하세요
rule-edition-full = 정원이 찼습니다({ $capacity }자리 중 { $taken }자리). 예비 선발로 처리하세요

## 조직 관리 (ADR 0035)
label-LocalGovernmentLevel-METROPOLITAN = 광역시·특별시
label-LocalGovernmentLevel-PROVINCE = 도
label-LocalGovernmentLevel-CITY = 시
label-LocalGovernmentLevel-COUNTY = 군
label-LocalGovernmentLevel-DISTRICT = 자치구
directory-parent-not-allowed = { $code }은(는) 광역자치단체이므로 상위 자치단체가 없습니다
directory-parent-required = { $code }은(는) 기초자치단체이므로 상위 광역자치단체를 지정해야 합니다
directory-unknown-parent = 알 수 없는 상위 자치단체 { $parent }
directory-parent-not-upper = { $parent }은(는) 광역자치단체가 아닙니다
directory-duplicate-code = { $code }이(가) 이미 있습니다
directory-has-children = { $code }에 기초자치단체가 속해 있으므로 광역자치단체로 남아야 합니다
directory-lead-not-in-department = { $staff }은(는) { $department } 소속이 아닙니다
directory-lead-departed = { $staff }은(는) 퇴직했습니다
directory-duplicate-subject = 다른 직원이 이미 { $subject }(으)로 로그인합니다
directory-already-departed = { $staff }은(는) 이미 퇴직했습니다
directory-absence-ends-before-start = 부재 기간의 종료일({ $to })이 시작일({ $from })보다 앞섭니다
history-reassigned-departed = { $departed } 퇴직: -> { $department } / { $staff } { $name }
history-reassigned-departed-unstaffed = { $departed } 퇴직: -> { $department } (가능한 담당자 없음)
