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
