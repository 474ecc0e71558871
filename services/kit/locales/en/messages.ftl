# Messages a person reads: English. Every key here exists in ko, zh and ja with the same
# placeables (checked by glocal_kit::i18n's tests). Keys are stable: clients may match them.

## What an error says when no more specific message applies (by extensions.code).
code-unauthenticated = authentication required
code-forbidden = you may not do this
code-not-found = not found, or not visible to you
code-bad-user-input = the request is not valid
code-bad-user-input-field = the input `{ $field }` is not valid
code-conflict = the current state does not allow this change
code-unavailable = service unavailable, retry later
code-internal = internal error

## Input that does not parse (BAD_USER_INPUT).
input-required = is required
input-too-short = must be at least { $min } characters
input-too-long = must be at most { $max } characters (got { $got })
input-control-characters = must not contain control characters
input-one-line = must be one line without control characters
input-unknown-value = unknown value `{ $value }`
input-language-code = must be an ISO 639-1 language code: two lowercase letters on the ISO list, e.g. "ko"
input-country-code = must be an ISO 3166-1 alpha-2 country code: two uppercase letters on the ISO list, e.g. "JP"
input-version = must be the version you saw (at least 1)

## Errors every service shares.
error-unauthenticated = authentication required
error-not-found = { $what } not found
error-stale-version = version { $seen } is stale; current is { $current }

## The gateway's limits on documents.
limit-depth = the query is nested too deep; at most { $max } levels are allowed
limit-document-bytes = the document has { $bytes } bytes; at most { $max } are allowed
limit-complexity = the query is too complex: { $count } fields; at most { $max } are allowed
limit-aliases = the document has { $count } aliases; at most { $max } are allowed
limit-fragment-spreads = the document has { $count } fragment spreads; at most { $max } are allowed
limit-directives = the document has { $count } directives; at most { $max } are allowed
limit-variables = the request has { $count } variables; at most { $max } are allowed
limit-fragment-cycle = the fragment "{ $fragment }" spreads itself

## Training: why an applicant is not eligible (EligibilityFailure.reason).
eligibility-not-published = the edition is not open to applications
eligibility-window = applications are taken from { $from } to { $to }
eligibility-applicant-kind = this edition takes { $kinds } applicants only
eligibility-organisation-type = this edition is for { $types } only
eligibility-korean-nationals = this edition is for Korean nationals
eligibility-foreign-nationals = this edition is for foreign nationals
eligibility-grade-missing = this edition is for { $bound ->
        [both] grades { $min } to { $max }
        [min] grade { $min } and below
        [max] grade { $max } and above
       *[any] any grade
    }: state your grade
eligibility-grade-outside = this edition is for { $bound ->
        [both] grades { $min } to { $max }
        [min] grade { $min } and below
        [max] grade { $max } and above
       *[any] any grade
    }; grade { $grade } is outside it
eligibility-languages = this edition works in { $languages }; name one of them
eligibility-one-active = there is already an active application ({ $application }) for this edition

## Training: why a participant got no certificate (CertificateSkip.reason).
certificate-attendance = attended { $attended } of { $counted } sessions (at least { $percent }% needed)

## Requests: a search query that does not parse (BAD_USER_INPUT on `query`).
search-query-empty = enter at least one word to search for
search-query-too-long = a search is at most { $max } characters (got { $got })
search-query-too-many-words = a search has at most { $max } words (got { $got })
search-query-word-too-short = the word "{ $word }" is too short: each word needs at least { $min } characters

## Requests: merging duplicates and linking related requests (extensions.reason MERGE_*, LINK_*).
relation-merge-into-itself = request { $number } cannot be merged into itself
relation-merge-already-merged = request { $number } was already merged into another request
relation-merge-into-merged = request { $number } was itself merged into another request; merge into that one instead
relation-merge-into-closed = request { $number } is closed, withdrawn or rejected and takes no duplicates
relation-merge-duplicate-closed = request { $number } is answered or done; only a request still awaiting an answer can be merged
relation-merge-has-duplicates = other requests were merged into request { $number }; it cannot be merged in turn
relation-merge-linked = request { $number } is linked to other requests; unlink it before merging
relation-other-local-government = request { $number } belongs to another local government
relation-link-to-itself = request { $number } cannot be linked to itself
relation-link-merged = request { $number } was merged and takes no links
relation-link-has-parent = request { $number } is already linked under another request
relation-link-nested = request { $number } is already part of a link; links are one level deep

## Research: partners maintaining their own organisation's profile (extensions.reason in parentheses).
research-not-own-organisation = a partner may change only its own organisation's profile
research-profile-change-pending = a change of this profile is already waiting for review
research-profile-change-decided = this profile change has already been reviewed

## The gateway's rate limits (429).
limit-rate = too many requests; retry after { $seconds } s
limit-partner-quota = the partner quota of { $limit } requests per { $window } s is used up; retry after { $seconds } s

## Uploaded files (ADR 0022, ADR 0026): the stable reason comes first.
file-too-large = FILE_TOO_LARGE: the file is larger than the { $max } bytes allowed here
file-empty = EMPTY_FILE: the file is empty
file-unsupported-type = UNSUPPORTED_MEDIA_TYPE: accepted are PDF, images (PNG, JPEG, GIF, WebP), office documents (Word, Excel, PowerPoint, HWP, HWPX, OpenDocument), ZIP and plain text; the type is judged by the content, not the name
file-limit-count = ATTACHMENT_LIMIT: at most { $max } files may be attached here
file-limit-bytes = ATTACHMENT_LIMIT: the files attached here may add up to at most { $max } bytes
file-name-path = must be a file name without a path or control characters

## Column headers of exported lists (CSV, XLSX).
export-number = Number
export-type = Type
export-title = Title
export-state = State
export-local-government = Local government
export-department = Department
export-assignee = Assignee
export-requester = Requester
export-submitted-at = Submitted (KST)
export-resolution-due-at = Resolution due (KST)
export-first-response-at = First response (KST)
export-final-response-at = Final response (KST)
## Callers (ADR 0029)
error-caller-name-missing = the token names no person (no `name` or `preferred_username` claim) and the staff directory does not know the subject; sign in again with a token that carries a name

## Events: the best practices a contribution draws on (ADR 0029)
input-practice-unknown = no best practice `{ $id }` (or not visible to you)

## Labels of enum values (enumLabels, ADR 0029): label-<Enum>-<VALUE>
label-ApplicantKind-OFFICIAL = Official
label-ApplicantKind-LOCAL_GOVERNMENT = Local government
label-ContributionDecision-ACCEPT = Accept
label-ContributionDecision-REJECT = Reject
label-ContributionState-SUBMITTED = Submitted
label-ContributionState-ACCEPTED = Accepted
label-ContributionState-REJECTED = Not accepted
label-ContributionState-WITHDRAWN = Withdrawn
label-EligibilityRule-PUBLISHED = Programme published
label-EligibilityRule-APPLICATION_WINDOW = Application period
label-EligibilityRule-APPLICANT_KIND = Applicant type
label-EligibilityRule-ORGANISATION_TYPE = Organisation type
label-EligibilityRule-NATIONALITY = Nationality
label-EligibilityRule-GRADE = Grade
label-EligibilityRule-LANGUAGE = Language
label-EligibilityRule-ONE_ACTIVE_APPLICATION = One active application
label-EmailDeliveryStatus-PENDING = Waiting to be sent
label-EmailDeliveryStatus-SENT = Sent
label-EmailDeliveryStatus-FAILED = Failed
label-EmailStatus-NONE = No email
label-EmailStatus-PENDING = Waiting to be sent
label-EmailStatus-SENT = Sent
label-EmailStatus-FAILED = Failed
label-EventAction-PUBLISH = Publish
label-EventAction-OPEN_REGISTRATION = Open registration
label-EventAction-CLOSE_REGISTRATION = Close registration
label-EventAction-START = Start
label-EventAction-COMPLETE = Complete
label-EventAction-CANCEL = Cancel
label-EventKind-CONFERENCE = Conference
label-EventKind-WORKSHOP = Workshop
label-EventKind-FORUM = Forum
label-EventKind-LECTURE = Lecture
label-EventRegistrationKind-INDIVIDUAL = Individual
label-EventRegistrationKind-DELEGATION = Delegation
label-EventRegistrationState-PENDING = Pending
label-EventRegistrationState-CONFIRMED = Confirmed
label-EventRegistrationState-WAITLISTED = Waitlisted
label-EventRegistrationState-OFFERED = Seat offered
label-EventRegistrationState-EXPIRED = Offer expired
label-EventRegistrationState-CANCELLED = Cancelled
label-EventSessionKind-PLENARY = Plenary
label-EventSessionKind-PRESENTATION = Presentation
label-EventSessionKind-DEBATE = Debate
label-EventSessionKind-QA = Questions and answers
label-EventSessionKind-LECTURE = Lecture
label-EventState-DRAFT = Draft
label-EventState-PUBLISHED = Published
label-EventState-REGISTRATION_OPEN = Registration open
label-EventState-REGISTRATION_CLOSED = Registration closed
label-EventState-ONGOING = Under way
label-EventState-COMPLETED = Completed
label-EventState-CANCELLED = Cancelled
label-ExchangeKind-SISTER_CITY = Sister city
label-ExchangeKind-FRIENDSHIP_CITY = Friendship city
label-ExchangeKind-MEMORANDUM = Memorandum of understanding
label-ExchangeKind-PROJECT = Joint project
label-ExchangeKind-OTHER = Other
label-RequestStatisticsDimension-TYPE = Request type
label-RequestStatisticsDimension-LOCAL_GOVERNMENT = Local government
label-RequestStatisticsDimension-DEPARTMENT = Department
label-RequestStatisticsDimension-MONTH = Month
label-HistoryVisibility-REQUESTER = Visible to the requester
label-HistoryVisibility-INTERNAL = Internal
label-HolidayKind-PUBLIC = Public holiday
label-HolidayKind-SUBSTITUTE = Substitute holiday
label-HolidayKind-ONE_OFF = One-off holiday
label-InteractionKind-MEETING = Meeting
label-InteractionKind-VISIT = Visit
label-InteractionKind-EXCHANGE = Exchange
label-InteractionKind-OTHER = Other
label-InterpretationMode-INTERPRETATION = Interpretation
label-InterpretationMode-TRANSLATION = Translation
label-Language-KO = Korean
label-Language-EN = English
label-Language-ZH = Chinese
label-Language-JA = Japanese
label-LectureRequestState-REQUESTED = Requested
label-LectureRequestState-SCHEDULED = Scheduled
label-LectureRequestState-DECLINED = Declined
label-MessageKind-MID_RESPONSE = Interim response
label-MessageKind-FINAL_RESPONSE = Final response
label-MessageKind-REQUESTER_REPLY = Reply from the requester
label-MessageKind-STAFF_NOTE = Staff note
label-MessageKind-QUESTION = Question to the requester
label-NationalityRule-ANY = Any nationality
label-NationalityRule-KOREAN = Korean nationals
label-NationalityRule-FOREIGN = Foreign nationals
label-NoticeLanguage-KO = Korean
label-NoticeLanguage-EN = English
label-NoticeLanguage-ZH = Chinese
label-NoticeLanguage-JA = Japanese
label-OperationType-QUERY = Read
label-OperationType-MUTATION = Change
label-OperationType-SUBSCRIPTION = Subscribe
label-OpportunityStatus-PROPOSED = Proposed
label-OpportunityStatus-OPEN = Open
label-OpportunityStatus-CLOSED = Closed
label-OpportunityStatus-DECLINED = Declined
label-OrganisationKind-LOCAL_GOVERNMENT_ASSOCIATION = Local government association
label-OrganisationKind-OVERSEAS_OFFICE = Overseas office
label-OrganisationKind-FOREIGN_MISSION = Foreign mission
label-OrganisationKind-FOREIGN_ADVISOR = Foreign advisor
label-OrganisationKind-FOREIGN_LOCAL_GOVERNMENT = Foreign local government
label-OrganisationKind-ACADEMIA = Academia
label-OrganisationProfileChangeStatus-PENDING = Awaiting review
label-OrganisationProfileChangeStatus-APPROVED = Approved
label-OrganisationProfileChangeStatus-REJECTED = Rejected
label-OrganisationType-KOREAN_LOCAL_GOVERNMENT = Korean local government
label-OrganisationType-FOREIGN_LOCAL_GOVERNMENT = Foreign local government
label-OrganisationType-OTHER = Other
label-PracticeSort-RELEVANCE = Most relevant
label-PracticeSort-NEWEST = Newest
label-PracticeState-DRAFT = Draft
label-PracticeState-IN_REVIEW = In review
label-PracticeState-PUBLISHED = Published
label-PracticeState-WITHDRAWN = Withdrawn
label-ProgrammeKind-INVITATION_FELLOWSHIP = Invitation fellowship
label-ProgrammeKind-OVERSEAS_TRAINING = Overseas training
label-ProgrammeKind-ACADEMY = Academy
label-ProgrammeKind-SPEECH_CONTEST = Speech contest
label-ProgrammeKind-COACHING = Coaching
label-RelationshipKind-SISTER_CITY = Sister city
label-RelationshipKind-FRIENDSHIP_CITY = Friendship city
label-RelationshipKind-MEMORANDUM = Memorandum of understanding
label-RelationshipStatus-PROPOSED = Proposed
label-RelationshipStatus-ACTIVE = Active
label-RelationshipStatus-SUSPENDED = Suspended
label-RelationshipStatus-ENDED = Ended
label-ReviewCutKind-NONE = No cut
label-ReviewCutKind-TOP_N = Top N
label-ReviewCutKind-THRESHOLD = Score threshold
label-Role-LOCAL_OFFICIAL = Local government official
label-Role-BUREAU_STAFF = Bureau staff
label-Role-BUREAU_ADMIN = Bureau administrator
label-Role-PARTNER = Partner
label-ScreeningOutcome-START = Start screening
label-ScreeningOutcome-PASS = Passed
label-ScreeningOutcome-FAIL = Not passed
label-ServiceRequestOrder-NEWEST = Newest
label-ServiceRequestOrder-DUE_SOONEST = Due soonest
label-ServiceRequestSearchField-TITLE = Title
label-ServiceRequestSearchField-DESCRIPTION = Description
label-ServiceRequestSearchField-MESSAGE = Messages
label-ServiceRequestSearchOrder-RELEVANCE = Most relevant
label-ServiceRequestSearchOrder-NEWEST = Newest
label-ServiceRequestState-SUBMITTED = Submitted
label-ServiceRequestState-REGISTERED = Registered
label-ServiceRequestState-DEPARTMENT_ASSIGNED = Department assigned
label-ServiceRequestState-STAFF_ASSIGNED = Staff assigned
label-ServiceRequestState-MID_RESPONDED = Interim response given
label-ServiceRequestState-FINAL_RESPONDED = Answered
label-ServiceRequestState-CLOSED = Closed
label-ServiceRequestState-WITHDRAWN = Withdrawn
label-ServiceRequestState-REJECTED = Rejected
label-ServiceRequestState-REOPENED = Reopened
label-ServiceRequestState-AWAITING_REQUESTER = Awaiting your reply
label-ServiceRequestState-MERGED = Merged
label-ServiceRequestType-INTERPRETATION_TRANSLATION = Interpretation and translation
label-ServiceRequestType-INTERNATIONAL_EXCHANGE = International exchange
label-ServiceRequestType-OVERSEAS_VISIT = Overseas visit
label-ServiceRequestType-INFORMATION_REQUEST = Information request
label-ServiceRequestType-GENERAL_INQUIRY = General inquiry
label-SlaClock-BUSINESS = Business hours
label-SlaClock-CALENDAR = Calendar time
label-StipendPayer-ASSOCIATION = The association
label-StipendPayer-HOST_LOCAL_GOVERNMENT = Host local government
label-StipendPaymentAction-APPROVE = Approve
label-StipendPaymentAction-PAY = Pay
label-StipendPaymentAction-FAIL = Mark as failed
label-StipendPaymentAction-RETRY = Retry
label-StipendPaymentState-SCHEDULED = Scheduled
label-StipendPaymentState-APPROVED = Approved
label-StipendPaymentState-PAID = Paid
label-StipendPaymentState-FAILED = Failed
label-TrainingApplicationState-DRAFT = Draft
label-TrainingApplicationState-SUBMITTED = Submitted
label-TrainingApplicationState-SCREENING = Screening
label-TrainingApplicationState-UNDER_REVIEW = Under review
label-TrainingApplicationState-ACCEPTED = Accepted
label-TrainingApplicationState-WAITLISTED = Waitlisted
label-TrainingApplicationState-REJECTED = Not selected
label-TrainingApplicationState-WITHDRAWN = Withdrawn
label-TrainingAttendanceStatus-PRESENT = Present
label-TrainingAttendanceStatus-LATE = Late
label-TrainingAttendanceStatus-ABSENT = Absent
label-TrainingAttendanceStatus-EXCUSED = Excused
label-TrainingDecision-ACCEPT = Accept
label-TrainingDecision-WAITLIST = Waitlist
label-TrainingDecision-REJECT = Do not select
label-TrainingSessionKind-PRE_TRAINING = Pre-training
label-TrainingSessionKind-LECTURE = Lecture
label-TrainingSessionKind-PLACEMENT = Placement
label-TrainingSessionKind-PRELIMINARY = Preliminary round
label-TrainingSessionKind-FINAL = Final round
label-TrainingSessionKind-COACHING = Coaching
label-TrainingSessionKind-CEREMONY = Ceremony

## Notes of a request's history (HistoryEntry.note, ADR 0029)
history-routed = RULE { $rule }: { $type } -> { $department }
history-routed-language = RULE { $rule }: { $type }/{ $language } -> { $department }
history-assigned-staff = { $staff } { $name } (open load { $load })
history-expected-completion = expected completion { $at }
history-reassigned = -> { $department } / { $staff } { $name }
history-reassigned-noted = -> { $department } / { $staff } { $name }: { $note }
history-reassigned-unstaffed = -> { $department } (no active staff)
history-reassigned-unstaffed-noted = -> { $department } (no active staff): { $note }
history-rated = rating { $rating }
history-rerated = rating { $from } → { $to }
history-clock-resumed-business = clock resumed after { $minutes } business minutes; resolution due { $due }
history-clock-resumed-calendar = clock resumed after { $minutes } calendar minutes; resolution due { $due }
history-sla-first-response-warning = the warning share of the first-response time is used; due { $due }
history-sla-first-response-breach = the first response was due { $due }
history-sla-resolution-warning = the warning share of the resolution time is used; due { $due }
history-sla-resolution-breach = the resolution was due { $due }

## Events: the host rotation (extensions.reason HOST_OUT_OF_TURN)
input-rotation-repeated = { $country } is already in the rotation
input-rotation-too-short = a rotation needs at least two countries
rotation-not-in-rotation = { $host } is not in this series' host rotation ({ $order })
rotation-out-of-turn = out of turn: the previous edition was hosted by { $last }, so the next host is { $expected } (rotation { $order }), not { $host }

## Training: the review cut of a stage (ADR 0029)
training-cut-advanced = { $stage-name }: rank { $rank }, mean { $mean }; on to stage { $next }
training-cut-eliminated = not advanced at { $stage-name }: rank { $rank }, mean { $mean }
training-cut-applied = stage { $stage } ({ $stage-name }): { $advanced } of { $total } advanced
training-cut-unscored = { $count } application(s) at stage { $stage } have no score yet: { $ids }

## Notes of events' and training's histories (ADR 0029)
events-registered-seats = { $seats } seat(s)
training-promoted = place freed by application { $freed-by }
training-stipends-scheduled = { $count } payment(s) scheduled for { $from } – { $to }

## Services' error sentences (ADR 0029): an error whose English text is one of these word for word is said as it
input-cursor-list = is not a cursor from this list
input-first-negative = `first` must not be negative
input-unknown-department = unknown department
input-http-url = must be an http(s) URL
input-between-1-99 = must be between 1 and 99
input-not-negative = must not be negative
input-listed-twice = is listed twice
input-after-starts-at = must be after startsAt
input-required-one-language = is required in at least one language
input-accept-or-reject = must be ACCEPT or REJECT
input-unknown-series = unknown series
input-upload-first-names-file = only the first message of an upload may name its file
input-email = is not an e-mail address
input-date-plain = must be a date YYYY-MM-DD
input-request-id = must be a request id (UUID)
input-at-most-100-chars = must be at most 100 characters
rule-only-requester-rates = only the person who filed the request may rate its answer
input-after-from = must be after `from`
input-unknown-staff = unknown staff member
rule-officials-need-organisation = local officials need an organisation
input-at-most-50-contacts = at most 50 contacts
input-year-1900-2100 = must be between 1900 and 2100
input-positive = must be positive
rule-last-stage-no-cut = the last stage ends with decisions, not a cut
input-required-one-based = is required (1-based)
input-at-most-20-practices = at most 20 practices
input-practice-id = must be a best-practice id
input-required-outside-series = is required for an event outside a series
input-not-before-start-date = must not be before startDate
input-event-32-days = an event lasts at most 32 days
input-after-registration-opens = must be after registrationOpensAt
input-preferred-dates = give between 1 and 5 preferred dates
input-not-in-past = must not be in the past
input-one-year = must all fall in one year (lectures count against a yearly quota)
input-at-most-1000 = must be at most 1000
input-at-most-20-speakers = at most 20 speakers
input-session-12-hours = a session lasts at most 12 hours
input-uuid = must be an id (UUID)
input-date-parenthesised = must be a date (YYYY-MM-DD)
input-time-zone = must be an IANA time zone, e.g. "Asia/Seoul"
input-unspecified = is unspecified
input-only-accepted-references = only an accepted contribution references best practices
rule-only-submitter-withdraws = only the submitter may withdraw a contribution
rule-only-bureau-reviews = only bureau staff review contributions
input-required-to-cancel = is required to cancel
input-required-staff-lecture = is required when bureau staff request a lecture
input-lecture-series = must be a lecture series
rule-lectures-own-lg = officials request lectures for their own local government only
rule-not-a-local-government = your organisation is not a local government
rule-lectures-by-lgs = lectures are requested by local governments
rule-lecture-requests-audience = lecture requests are for local governments and the bureau
input-not-on-registration = is not on this registration
rule-only-registrant-accepts = only the registrant may accept an offer
rule-already-registered = you already have a registration for this event
input-file-id = must be a file id (UUID)
input-upload-first-owner = the first message of an upload names its owner and file
input-timestamp = is not a valid timestamp
input-notice-language = must be one of ko, en, zh, ja
input-notice-kind = is not a kind of notice
input-delivery-status = must be PENDING, SENT or FAILED
input-notification-ids = contains an id that is not a notification id
rule-deliveries-admins = e-mail deliveries are for bureau administrators
rule-delivery-changed = the delivery changed meanwhile; read it again
input-attachment-id = must be an attachment id (UUID)
input-exchange-kind = must be SISTER_CITY, FRIENDSHIP_CITY, MEMORANDUM, PROJECT or OTHER
input-differ-from-source = must differ from the source language
input-interpretation-mode = must be INTERPRETATION or TRANSLATION
input-on-or-after-start = must be on or after the start date
input-venue-unless-online = is required unless the interpretation is online
input-between-1-500 = must be between 1 and 500
input-destinations = must list 1 to 10 destinations
input-on-or-after-departure = must be on or after the departure date
input-between-1-100 = must be between 1 and 100
input-number-range = year or serial out of range
input-request-number = must look like OB-2026-000123
input-workday-order = the working day must open before it closes
input-sla-minutes = must be between 1 and 525600 minutes
input-not-exceed-resolution = must not exceed the resolution target
input-are-required = are required
input-between-1-5 = must be between 1 and 5
input-unknown-state = unknown state
input-unspecified-type = unspecified type
input-message-id = must be a message id (UUID)
input-upload-first-request = the first message of an upload names its request and file
input-unknown-order = unknown order
input-year-2000-2100 = must be between 2000 and 2100
rule-no-staff-record = no bureau staff record for this caller
rule-requests-audience = service requests are for local governments and bureau staff
input-cursor-of-list = is not a cursor of this list
input-rule-language = only interpretation/translation rules take a language
rule-routing-admins = routing rules are for bureau administrators
input-cursor-of-search = is not a cursor of this search
input-unknown-local-government = unknown local government
input-required-staff-submit = is required when bureau staff submit
rule-submit-own-lg = officials submit for their own local government only
input-in-future = must be in the future
input-active-member = must be an active member of the department
input-printable-100 = must be at most 100 printable characters
input-at-least-1 = must be at least 1
input-area-code = must be 2 to 40 lower-case letters, digits or underscores, starting with a letter
input-administrative-code = is not a standard administrative code such as 11000
input-not-empty = must not be empty
input-tag = must be at most 50 characters, without commas
input-phone = is not a phone number
input-one-area = name at least one area
input-media-type = must look like type/subtype
input-100-mib = must be at most 100 MiB
rule-withdrawn-no-reports = a withdrawn practice takes no more reports
input-unknown-organisation = unknown organisation
rule-no-self-review = authors may not review their own practice
rule-partner-proposes-profile = only a partner proposes changes of its organisation's profile
rule-profile-changes-audience = only bureau staff and partners see profile changes
input-new-relationship-status = a new relationship is PROPOSED or ACTIVE
input-foreign-lg = is not a foreign local government
rule-interaction-log-audience = the interaction log is for bureau staff and the local government concerned
rule-relationship-ended = the relationship has ended
input-at-most-10-words = at most 10 words
rule-unpublished-staff-only = only bureau staff may list unpublished practices
input-working-language = name at least one working language
input-mime-type = must be a MIME type
input-sha256 = must be 64 hex digits
input-certificate-code = is not a certificate code (GLC-XXXX-XXXX-XXXX-XXXX-XXXX)
input-currency = must be an ISO 4217 code, e.g. "KRW"
input-top-n = TOP_N needs N of at least 1
input-threshold = a threshold is a score from 0 to 100
input-grade-bound = must be a grade from 1 to 9 (0 = no bound)
input-max-grade = must be at least minGrade (grade 1 is the highest)
input-caller-subject = must be a caller subject (1–100 characters, no spaces)
input-after-applications-open = must be on or after applicationsOpenOn
input-after-applications-close = must be after applicationsCloseOn
input-after-starts-on = must be on or after startsOn
input-stipend-line-twice = has a stipend line already
input-host-codes = are required when a host local government pays
input-grade = must be an administrative grade from 1 to 9
input-one-participant = record at least one participant
input-participation-change = give at least one of hostCode, mentor, joinedOn, leftOn
input-score = must be from 0 to 100
rule-applications-by-officials = applications are made by local officials
rule-only-applicant-submits = only the applicant may submit
rule-only-applicant-withdraws = only the applicant may withdraw
rule-certificates-concurrent = certificates are being issued by a concurrent call; retry
input-required-screening-fails = is required when screening fails
input-no-such-stage = the edition has no such stage
rule-only-applicant-attaches = only the applicant may attach papers to an application
rule-applications-audience = applications are for applicants and bureau staff
input-within-edition = must be within the edition's dates
input-left-on = must be on or after joinedOn and within the edition's dates
input-not-participant = is not an accepted participant of this session's edition
input-unknown-programme = unknown programme
rule-edition-concurrent = the edition is being created by a concurrent call; retry
rule-edition-published = the edition is already published
rule-stipends-audience = stipends are for managers and the participant
rule-no-stipend-policy = the edition has no stipend policy

## Errors and refusals of requests, registrations and applications (ADR 0029; extensions.reason in parentheses)
input-details-type = details are for { $details }, but the request type is { $type }
input-interpretation-days = interpretation spans at most { $max } days
input-visit-days = a visit lasts at most { $max } days
rule-organisation-not-lg = organisation `{ $org }` is not a known local government
rule-idempotency-key-reused = idempotency key `{ $key }` was already used for a different request
rule-idempotency-key-reused-application = idempotency key `{ $key }` was already used for another application
rule-reopen-window-closed = the reopen window of { $days } days closed at { $at }
rule-reply-finished = cannot reply to a request in state { $state }
rule-files-finished = a { $state } request takes no more files
rule-survey-not-answered = a request in state { $state } has no final answer to rate yet
rule-survey-window-closed = the rating could be changed until { $at } (the reopen window of { $days } days)
rule-registration-not-open = registration for this event is not open (it is { $state })
rule-registration-opens-at = registration opens at { $at }
rule-registration-closed-at = registration closed at { $at }
input-delegation-larger-than-event = the delegation ({ $seats } people) is larger than the event ({ $capacity } seats)
input-delegation-size = a delegation has at most { $max } people
rule-offer-lapsed = the offer lapsed at { $at }
rule-check-in-not-ongoing = check-in happens while the event is ONGOING (it is { $state })
rule-check-in-not-confirmed = only confirmed registrations check in (this one is { $state })
input-day-of-event = must be a day of the event ({ $first } to { $last })
rule-already-checked-in = { $attendee } is already checked in on { $day }
rule-call-closed = the call for presentations is closed (the event is { $state })
input-at-most-answers = at most { $max } answers
input-at-most-attachments = at most { $max } attachments
input-bytes-range = must be from 1 to { $max } bytes
rule-papers-finished = a { $state } application takes no more papers
rule-not-under-review-at-stage = the application is { $state } at stage { $current }, not under review at stage { $stage }
rule-cut-first = the application is at stage { $current } of { $last }: apply the stage's cut first
rule-edition-full = the edition is full ({ $taken } of { $capacity } places taken): waitlist instead

## The directory's administration (ADR 0035; extensions.reason in parentheses)
label-LocalGovernmentLevel-METROPOLITAN = Metropolitan city
label-LocalGovernmentLevel-PROVINCE = Province
label-LocalGovernmentLevel-CITY = City
label-LocalGovernmentLevel-COUNTY = County
label-LocalGovernmentLevel-DISTRICT = Autonomous district
directory-parent-not-allowed = { $code } is a metropolitan or provincial government: it has no parent
directory-parent-required = { $code } is a basic local government: name its metropolitan or provincial government as parent
directory-unknown-parent = unknown parent local government { $parent }
directory-parent-not-upper = { $parent } is not a metropolitan or provincial government
directory-duplicate-code = { $code } exists already
directory-has-children = basic local governments belong to { $code }: it stays metropolitan or provincial
directory-lead-not-in-department = { $staff } is not a member of { $department }
directory-lead-departed = { $staff } has left the bureau
directory-duplicate-subject = another staff member signs in as { $subject }
directory-already-departed = { $staff } has already left the bureau
directory-absence-ends-before-start = the absence ends ({ $to }) before it starts ({ $from })
history-reassigned-departed = { $departed } left: -> { $department } / { $staff } { $name }
history-reassigned-departed-unstaffed = { $departed } left: -> { $department } (no available staff)
