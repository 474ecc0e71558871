//! Reference and demo data. [`seed_areas`] loads the bureau's area vocabulary into an empty
//! vocabulary (every start); [`seed_demo`] loads, into an empty library, a few dozen
//! practices across areas and languages, partner organisations with contacts, and
//! sister-city relationships of the demo local governments and exchange projects
//! (module `projects`), through the service itself
//! (so history, versions, search documents and the outbox are all there).

use chrono::Utc;
use glocal_kit::{Caller, Role};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::domain::{
    ContactDraft, IdempotencyKey, InteractionKind, LinkDraft, LocalizedDraft, NewOpportunity,
    NewOrganisation, OpportunityDraft, OpportunityStatus, OrganisationDraft, OrganisationId,
    OrganisationKind, PracticeContent, PracticeDraft, RelationshipKind, RelationshipStatus,
};
use crate::domain::{InteractionDraft, NewInteraction, NewRelationship, RelationshipDraft};
use crate::error::ResearchError;
use crate::service::{Config, Research};
use crate::store::entities::{practice, research_area};

mod ids;
mod projects;

use ids::fixed;
pub use ids::{DEMO_ADVISOR_ID, DEMO_ORGANISATION_IDS, DEMO_PRACTICE_IDS};

/// The bureau's research areas: code, then the label in ko, en, zh, ja.
pub const AREAS: [(&str, [&str; 4]); 17] = [
    (
        "general_administration",
        ["일반행정", "General administration", "一般行政", "一般行政"],
    ),
    ("finance", ["재정", "Finance", "财政", "財政"]),
    (
        "cultural_tourism",
        ["문화관광", "Cultural tourism", "文化旅游", "文化観光"],
    ),
    ("transportation", ["교통", "Transportation", "交通", "交通"]),
    ("environment", ["환경", "Environment", "环境", "環境"]),
    ("welfare", ["복지", "Welfare", "福利", "福祉"]),
    ("health", ["보건", "Health", "卫生", "保健"]),
    (
        "women_youth",
        [
            "여성·청소년",
            "Women and youth",
            "妇女与青少年",
            "女性・青少年",
        ],
    ),
    (
        "multicultural_society",
        [
            "다문화사회",
            "Multicultural society",
            "多元文化社会",
            "多文化社会",
        ],
    ),
    (
        "economy_industry",
        [
            "경제·산업",
            "Economy and industry",
            "经济与产业",
            "経済・産業",
        ],
    ),
    (
        "employment_labour",
        [
            "고용·노동",
            "Employment and labour",
            "就业与劳动",
            "雇用・労働",
        ],
    ),
    (
        "agriculture_fisheries_dairy",
        [
            "농업·수산·축산",
            "Agriculture, fisheries and dairy",
            "农业、渔业与畜牧",
            "農業・水産・畜産",
        ],
    ),
    (
        "construction_technology",
        [
            "건설기술",
            "Construction technology",
            "建设技术",
            "建設技術",
        ],
    ),
    (
        "fire_prevention",
        ["소방·방재", "Fire prevention", "消防与防灾", "消防・防災"],
    ),
    (
        "local_conferences",
        ["지방회의", "Local conferences", "地方会议", "地方会議"],
    ),
    (
        "enactment_of_regulations",
        [
            "자치법규 제정",
            "Enactment of regulations",
            "法规制定",
            "条例制定",
        ],
    ),
    (
        "domestic_best_practices",
        [
            "국내 우수사례",
            "Domestic best practices",
            "国内优秀案例",
            "国内優良事例",
        ],
    ),
];

/// Loads [`AREAS`] when the vocabulary is empty; returns whether it did.
pub async fn seed_areas(db: &DatabaseConnection) -> Result<bool, ResearchError> {
    if research_area::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let rows = AREAS
        .iter()
        .zip(1..)
        .map(
            |((code, [ko, en, zh, ja]), position)| research_area::ActiveModel {
                code: Set((*code).to_owned()),
                label_ko: Set((*ko).to_owned()),
                label_en: Set((*en).to_owned()),
                label_zh: Set((*zh).to_owned()),
                label_ja: Set((*ja).to_owned()),
                position: Set(position),
                created_at: Set(now),
            },
        );
    research_area::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(true)
}

/// A demo practice: area, country, city, year, original language, title and summary per
/// language (ko, en, zh, ja; empty = absent), tags.
struct Demo {
    area: &'static str,
    country: &'static str,
    city: &'static str,
    year: i32,
    lang: &'static str,
    title: [&'static str; 4],
    summary: [&'static str; 4],
    tags: &'static [&'static str],
}

const PRACTICES: &[Demo] = &[
    Demo {
        area: "transportation",
        country: "NL",
        city: "Utrecht",
        year: 2019,
        lang: "en",
        title: [
            "위트레흐트 자전거 주차장",
            "Utrecht's bicycle parking garages",
            "",
            "",
        ],
        summary: [
            "",
            "The world's largest bicycle parking garage sits under the central station, with 12,500 spaces and digital guidance to free racks.",
            "",
            "",
        ],
        tags: &["cycling", "parking"],
    },
    Demo {
        area: "transportation",
        country: "JP",
        city: "Toyama",
        year: 2015,
        lang: "ja",
        title: [
            "도야마 경전철 중심 도시만들기",
            "Toyama's compact city built on light rail",
            "富山轻轨紧凑城市",
            "富山市の公共交通を軸とした拠点集中型まちづくり",
        ],
        summary: [
            "",
            "Toyama concentrated housing and services along a revived light-rail network to cope with ageing and depopulation.",
            "",
            "高齢化と人口減少に対応するため、LRTを軸に居住と都市機能を集約した。",
        ],
        tags: &["light rail", "compact city"],
    },
    Demo {
        area: "transportation",
        country: "CN",
        city: "Shenzhen",
        year: 2018,
        lang: "zh",
        title: [
            "선전 전기버스 전면 도입",
            "Shenzhen's all-electric bus fleet",
            "深圳公交全面电动化",
            "深圳のバス全面電動化",
        ],
        summary: [
            "",
            "Shenzhen replaced all 16,000 buses with electric ones, financed by leasing batteries separately.",
            "深圳将一万六千辆公交车全部更换为电动公交车，电池单独租赁融资。",
            "",
        ],
        tags: &["electric bus", "public transport"],
    },
    Demo {
        area: "transportation",
        country: "BR",
        city: "Curitiba",
        year: 2016,
        lang: "en",
        title: [
            "쿠리치바 간선급행버스(BRT) 대중교통",
            "Curitiba's bus rapid transit",
            "库里蒂巴快速公交系统",
            "クリチバのバス高速輸送システム",
        ],
        summary: [
            "전용차로와 원통형 정류장으로 지하철처럼 운행하는 버스 중심 대중교통 체계.",
            "Dedicated lanes and tube stations with level boarding let buses run like a metro, at a fraction of its cost.",
            "专用车道和管状车站让公交车像地铁一样运行，成本却低得多。",
            "専用レーンとチューブ型の停留所で、バスを地下鉄のように運行する公共交通。",
        ],
        tags: &["bus rapid transit", "public transport"],
    },
    Demo {
        area: "environment",
        country: "DE",
        city: "Freiburg",
        year: 2012,
        lang: "en",
        title: [
            "프라이부르크 보방 생태마을",
            "Freiburg's Vauban eco-district",
            "弗赖堡沃邦生态社区",
            "フライブルク・ヴォーバン地区",
        ],
        summary: [
            "친환경 주택과 차 없는 거리로 조성된 생태마을.",
            "A car-reduced district of passive houses and solar roofs on a former barracks site.",
            "",
            "",
        ],
        tags: &["eco-district", "solar"],
    },
    Demo {
        area: "environment",
        country: "JP",
        city: "Kamikatsu",
        year: 2020,
        lang: "ja",
        title: [
            "가미카쓰 제로 웨이스트",
            "Kamikatsu's zero-waste town",
            "上胜町零垃圾",
            "上勝町ゼロ・ウェイスト宣言",
        ],
        summary: [
            "",
            "Residents sort waste into 45 categories; 80% is recycled.",
            "",
            "住民がごみを45分別し、リサイクル率は80％を超える。",
        ],
        tags: &["recycling", "waste"],
    },
    Demo {
        area: "environment",
        country: "CN",
        city: "Hangzhou",
        year: 2021,
        lang: "zh",
        title: [
            "항저우 서호 수질 개선",
            "Restoring West Lake's water quality",
            "杭州西湖水环境治理",
            "杭州西湖の水質改善",
        ],
        summary: ["", "", "通过引水工程和湿地修复，西湖水质明显改善。", ""],
        tags: &["water", "wetland"],
    },
    Demo {
        area: "welfare",
        country: "SE",
        city: "Stockholm",
        year: 2017,
        lang: "en",
        title: [
            "스톡홀름 노인 재택돌봄",
            "Stockholm's home care for older people",
            "",
            "",
        ],
        summary: [
            "",
            "Municipal home-care teams let older residents choose their provider and the hours of help.",
            "",
            "",
        ],
        tags: &["elderly care", "home care"],
    },
    Demo {
        area: "welfare",
        country: "JP",
        city: "Yokohama",
        year: 2016,
        lang: "ja",
        title: [
            "요코하마 지역포괄케어",
            "Yokohama's community-based integrated care",
            "横滨社区综合护理",
            "横浜市の地域包括ケアシステム",
        ],
        summary: [
            "의료·요양·생활지원을 생활권 안에서 통합 제공.",
            "",
            "",
            "医療・介護・生活支援を日常生活圏域で一体的に提供する。",
        ],
        tags: &["elderly care"],
    },
    Demo {
        area: "health",
        country: "SG",
        city: "Singapore",
        year: 2019,
        lang: "en",
        title: [
            "싱가포르 건강증진 포인트",
            "Singapore's National Steps Challenge",
            "新加坡国家步行挑战",
            "シンガポールの全国ウォーキング・チャレンジ",
        ],
        summary: [
            "",
            "Residents earn rewards for daily steps tracked by free wearables.",
            "",
            "",
        ],
        tags: &["prevention", "wearables"],
    },
    Demo {
        area: "health",
        country: "CN",
        city: "Shanghai",
        year: 2020,
        lang: "zh",
        title: [
            "상하이 가정의 계약 서비스",
            "Shanghai's family-doctor contracts",
            "上海家庭医生签约服务",
            "上海の家庭医契約サービス",
        ],
        summary: [
            "",
            "",
            "居民与社区卫生服务中心的家庭医生签约，获得连续的健康管理。",
            "",
        ],
        tags: &["primary care"],
    },
    Demo {
        area: "cultural_tourism",
        country: "ES",
        city: "Barcelona",
        year: 2018,
        lang: "en",
        title: [
            "바르셀로나 관광세와 분산 정책",
            "Barcelona's tourist tax and dispersal plan",
            "巴塞罗那旅游税与分流计划",
            "バルセロナの観光税と分散計画",
        ],
        summary: [
            "관광세 수입으로 주민 생활과 관광의 균형을 도모.",
            "Tourist-tax revenue funds neighbourhood projects while new routes spread visitors across districts.",
            "",
            "",
        ],
        tags: &["overtourism", "tax"],
    },
    Demo {
        area: "cultural_tourism",
        country: "JP",
        city: "Kanazawa",
        year: 2017,
        lang: "ja",
        title: [
            "가나자와 전통공예 관광",
            "Kanazawa's craft tourism",
            "金泽传统工艺旅游",
            "金沢市の伝統工芸を活かした観光振興",
        ],
        summary: [
            "",
            "",
            "",
            "金箔や九谷焼など伝統工芸の体験を観光資源として活用。",
        ],
        tags: &["crafts"],
    },
    Demo {
        area: "multicultural_society",
        country: "DE",
        city: "Stuttgart",
        year: 2016,
        lang: "en",
        title: [
            "슈투트가르트 통합정책",
            "Stuttgart's pact for integration",
            "斯图加特融合公约",
            "シュトゥットガルト統合協定",
        ],
        summary: [
            "",
            "A city-wide pact links language courses, mentoring and civic participation for newcomers.",
            "",
            "",
        ],
        tags: &["integration", "migrants"],
    },
    Demo {
        area: "multicultural_society",
        country: "JP",
        city: "Hamamatsu",
        year: 2014,
        lang: "ja",
        title: [
            "하마마쓰 다문화공생",
            "Hamamatsu's intercultural city policy",
            "滨松多文化共生",
            "浜松市の多文化共生都市ビジョン",
        ],
        summary: [
            "",
            "",
            "",
            "外国人市民を地域づくりのパートナーと位置づける多文化共生政策。",
        ],
        tags: &["migrants"],
    },
    Demo {
        area: "economy_industry",
        country: "FI",
        city: "Espoo",
        year: 2019,
        lang: "en",
        title: ["에스포 혁신 생태계", "Espoo's innovation garden", "", ""],
        summary: [
            "",
            "The city, Aalto University and companies share labs and test beds in one innovation district.",
            "",
            "",
        ],
        tags: &["innovation", "startups"],
    },
    Demo {
        area: "economy_industry",
        country: "CN",
        city: "Suzhou",
        year: 2015,
        lang: "zh",
        title: [
            "쑤저우 공업원구 협력모델",
            "Suzhou Industrial Park's partnership model",
            "苏州工业园区合作模式",
            "蘇州工業園区の協力モデル",
        ],
        summary: [
            "",
            "",
            "中新两国政府合作开发的工业园区，引进外资与先进管理经验。",
            "",
        ],
        tags: &["industrial park"],
    },
    Demo {
        area: "employment_labour",
        country: "AT",
        city: "Vienna",
        year: 2020,
        lang: "en",
        title: [
            "빈 청년 일자리 보장",
            "Vienna's youth employment guarantee",
            "维也纳青年就业保障",
            "ウィーンの若者雇用保障",
        ],
        summary: [
            "",
            "Every young person under 25 is offered a job, apprenticeship or training place within four months.",
            "",
            "",
        ],
        tags: &["youth", "apprenticeships"],
    },
    Demo {
        area: "women_youth",
        country: "CA",
        city: "Montreal",
        year: 2018,
        lang: "en",
        title: [
            "몬트리올 여성 안전 도시 감사",
            "Montreal's women's safety audits",
            "",
            "",
        ],
        summary: [
            "",
            "Walks with residents identify unsafe spots, which the city then redesigns.",
            "",
            "",
        ],
        tags: &["safety", "gender"],
    },
    Demo {
        area: "agriculture_fisheries_dairy",
        country: "NZ",
        city: "Waikato",
        year: 2017,
        lang: "en",
        title: [
            "와이카토 낙농 수질 관리",
            "Waikato's dairy farm water plans",
            "",
            "",
        ],
        summary: [
            "",
            "Farm environment plans cut nutrient run-off from dairy farms into rivers.",
            "",
            "",
        ],
        tags: &["dairy", "water"],
    },
    Demo {
        area: "agriculture_fisheries_dairy",
        country: "JP",
        city: "Kochi",
        year: 2019,
        lang: "ja",
        title: [
            "고치현 스마트 농업",
            "Kochi's smart greenhouse farming",
            "高知县智慧农业",
            "高知県のIoP次世代型施設園芸",
        ],
        summary: [
            "",
            "",
            "",
            "ハウス内の環境データを活用し収量を高める次世代型施設園芸。",
        ],
        tags: &["smart farming"],
    },
    Demo {
        area: "construction_technology",
        country: "SG",
        city: "Singapore",
        year: 2021,
        lang: "en",
        title: [
            "싱가포르 모듈러 건축",
            "Singapore's prefabricated prefinished volumetric construction",
            "新加坡预制模块化建筑",
            "シンガポールのモジュール建築",
        ],
        summary: [
            "",
            "Whole room modules are built in factories and stacked on site, cutting construction time by 40%.",
            "",
            "",
        ],
        tags: &["modular", "housing"],
    },
    Demo {
        area: "fire_prevention",
        country: "JP",
        city: "Tokyo",
        year: 2018,
        lang: "ja",
        title: [
            "도쿄 지역 방재 훈련",
            "Tokyo's neighbourhood disaster drills",
            "东京社区防灾演练",
            "東京都の地域防災訓練",
        ],
        summary: [
            "",
            "",
            "",
            "町会単位で初期消火と避難誘導の訓練を定期的に実施。",
        ],
        tags: &["drills", "earthquake"],
    },
    Demo {
        area: "general_administration",
        country: "EE",
        city: "Tallinn",
        year: 2016,
        lang: "en",
        title: [
            "에스토니아 전자정부",
            "Estonia's once-only e-government",
            "爱沙尼亚电子政务",
            "エストニアの電子政府",
        ],
        summary: [
            "",
            "Citizens give the state each piece of data once; services exchange it over the X-Road layer.",
            "",
            "",
        ],
        tags: &["digital government"],
    },
    Demo {
        area: "finance",
        country: "BR",
        city: "Porto Alegre",
        year: 2010,
        lang: "en",
        title: [
            "포르투알레그리 주민참여예산",
            "Porto Alegre's participatory budgeting",
            "阿雷格里港参与式预算",
            "ポルトアレグレの参加型予算",
        ],
        summary: [
            "주민이 예산 우선순위를 직접 결정.",
            "Residents vote on investment priorities in neighbourhood assemblies.",
            "",
            "",
        ],
        tags: &["participation", "budget"],
    },
    Demo {
        area: "enactment_of_regulations",
        country: "JP",
        city: "Niseko",
        year: 2001,
        lang: "ja",
        title: [
            "니세코 마을만들기 기본조례",
            "Niseko's basic ordinance on community building",
            "二世古町社区建设基本条例",
            "ニセコ町まちづくり基本条例",
        ],
        summary: [
            "",
            "",
            "",
            "情報共有と住民参加を定めた日本初の自治基本条例。",
        ],
        tags: &["ordinance", "participation"],
    },
    Demo {
        area: "local_conferences",
        country: "KR",
        city: "Gyeongju",
        year: 2023,
        lang: "ko",
        title: [
            "한중일 지방정부 교류회의",
            "Korea-China-Japan Local Governments Conference",
            "中日韩地方政府交流会议",
            "日中韓地方政府交流会議",
        ],
        summary: [
            "3국 지방정부가 우수사례를 공유하고 협력사업을 논의.",
            "Local governments of the three countries share best practices and plan joint projects.",
            "",
            "",
        ],
        tags: &["conference"],
    },
    Demo {
        area: "domestic_best_practices",
        country: "KR",
        city: "Suwon",
        year: 2022,
        lang: "ko",
        title: [
            "수원시 생태교통 마을",
            "Suwon's EcoMobility neighbourhood",
            "水原生态交通村",
            "水原市のエコモビリティ村",
        ],
        summary: [
            "한 달간 차 없는 마을로 운영하며 생태교통을 실험.",
            "A neighbourhood went car-free for a month to test eco-mobility.",
            "",
            "",
        ],
        tags: &["car-free"],
    },
    Demo {
        area: "domestic_best_practices",
        country: "KR",
        city: "Seoul",
        year: 2021,
        lang: "ko",
        title: [
            "서울시 따릉이 공공자전거",
            "Seoul's Ttareungyi public bicycles",
            "首尔公共自行车",
            "ソウル市の公共自転車タルンイ",
        ],
        summary: ["대중교통과 연계된 공공자전거 대여 서비스.", "", "", ""],
        tags: &["cycling"],
    },
];

fn caller(subject: &str, name: &str, role: Role) -> Caller {
    Caller::new(subject, name, "GAOK", [role])
}

fn text([ko, en, zh, ja]: [&str; 4]) -> LocalizedDraft {
    LocalizedDraft::of(ko, en, zh, ja)
}

/// Loads the demo library and network when there are no practices yet; returns whether it did.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, ResearchError> {
    seed_areas(db).await?;
    if practice::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let research = Research::new(db.clone(), Config::default());
    let author = caller("staff-research-lee", "이서연", Role::BureauStaff);
    let reviewer = caller("staff-research-park", "박준호", Role::BureauStaff);

    let org = |kind,
               name: [&str; 4],
               lang: &str,
               country: &str,
               city: &str,
               public: bool,
               contacts: Vec<ContactDraft>| OrganisationDraft {
        kind: Some(kind),
        name: text(name),
        original_language: lang.into(),
        country: country.into(),
        city: city.into(),
        languages: vec![lang.into(), "en".into()],
        public,
        contacts,
        ..OrganisationDraft::default()
    };
    let person =
        |name: &str, position: &str, langs: &[&str], areas: &[&str], email: &str| ContactDraft {
            name: name.into(),
            position: position.into(),
            languages: langs.iter().map(|s| (*s).to_owned()).collect(),
            expertise_area_codes: areas.iter().map(|s| (*s).to_owned()).collect(),
            email: email.into(),
            phone: "+82 2 0000 0000".into(),
        };
    let orgs = [
        (
            "org-osaka",
            org(
                OrganisationKind::ForeignLocalGovernment,
                ["오사카시", "Osaka City", "大阪市", "大阪市"],
                "ja",
                "JP",
                "Osaka",
                true,
                vec![person(
                    "Sato Yuki",
                    "International Relations Division",
                    &["ja", "en", "ko"],
                    &["cultural_tourism"],
                    "sato@example.jp",
                )],
            ),
        ),
        (
            "org-shanghai",
            org(
                OrganisationKind::ForeignLocalGovernment,
                ["상하이시", "Shanghai Municipality", "上海市", "上海市"],
                "zh",
                "CN",
                "Shanghai",
                true,
                vec![person(
                    "Li Wei",
                    "Foreign Affairs Office",
                    &["zh", "en"],
                    &["economy_industry", "health"],
                    "li.wei@example.cn",
                )],
            ),
        ),
        (
            "org-utrecht",
            org(
                OrganisationKind::ForeignLocalGovernment,
                [
                    "위트레흐트시",
                    "City of Utrecht",
                    "乌得勒支市",
                    "ユトレヒト市",
                ],
                "en",
                "NL",
                "Utrecht",
                true,
                vec![],
            ),
        ),
        (
            "org-fukuoka",
            org(
                OrganisationKind::ForeignLocalGovernment,
                ["후쿠오카시", "Fukuoka City", "福冈市", "福岡市"],
                "ja",
                "JP",
                "Fukuoka",
                true,
                vec![],
            ),
        ),
        (
            "org-clair",
            org(
                OrganisationKind::LocalGovernmentAssociation,
                [
                    "자치체국제화협회",
                    "Council of Local Authorities for International Relations",
                    "自治体国际化协会",
                    "自治体国際化協会",
                ],
                "ja",
                "JP",
                "Tokyo",
                true,
                vec![person(
                    "Tanaka Ken",
                    "Seoul office director",
                    &["ja", "ko", "en"],
                    &["general_administration"],
                    "tanaka@example.jp",
                )],
            ),
        ),
        (
            "org-gaok-tokyo",
            org(
                OrganisationKind::OverseasOffice,
                [
                    "시도지사협의회 도쿄사무소",
                    "GAOK Tokyo Office",
                    "韩国市道知事协议会东京事务所",
                    "韓国市道知事協議会東京事務所",
                ],
                "ko",
                "JP",
                "Tokyo",
                true,
                vec![],
            ),
        ),
        (
            "org-nl-embassy",
            org(
                OrganisationKind::ForeignMission,
                [
                    "주한 네덜란드 대사관",
                    "Embassy of the Netherlands in Korea",
                    "荷兰驻韩大使馆",
                    "駐韓オランダ大使館",
                ],
                "en",
                "NL",
                "Seoul",
                true,
                vec![],
            ),
        ),
        (
            "org-advisor",
            org(
                OrganisationKind::ForeignAdvisor,
                [
                    "마리아 슈미트 자문관",
                    "Maria Schmidt, urban mobility advisor",
                    "",
                    "",
                ],
                "en",
                "DE",
                "Berlin",
                false,
                vec![person(
                    "Maria Schmidt",
                    "Advisor",
                    &["de", "en"],
                    &["transportation"],
                    "maria@example.de",
                )],
            ),
        ),
        (
            "org-aalto",
            org(
                OrganisationKind::Academia,
                [
                    "알토대학교",
                    "Aalto University",
                    "阿尔托大学",
                    "アールト大学",
                ],
                "en",
                "FI",
                "Espoo",
                true,
                vec![],
            ),
        ),
    ];
    // The K2H fellows' cities (the training demo's `DEMO_PARTNER_*`).
    let fellows_cities = [
        (
            "org-danang",
            ["다낭시", "Da Nang City", "岘港市", "ダナン市"],
            "VN",
            "Da Nang",
        ),
        (
            "org-hue",
            ["후에시", "Hue City", "顺化市", "フエ市"],
            "VN",
            "Hue",
        ),
        (
            "org-vientiane",
            ["비엔티안", "Vientiane Capital", "万象市", "ビエンチャン"],
            "LA",
            "Vientiane",
        ),
    ]
    .map(|(key, name, country, city)| {
        let kind = OrganisationKind::ForeignLocalGovernment;
        (key, org(kind, name, "en", country, city, true, vec![]))
    });
    let mut ids = std::collections::HashMap::new();
    for (key, draft) in orgs.iter().chain(&fellows_cities) {
        // Fixed ids where other services' demo data link to them: the advisor (the training
        // demo's coach) and the organisations an overseas training visits.
        let (name, key, org) = (
            *key,
            IdempotencyKey::parse(key)?,
            NewOrganisation::parse(draft)?,
        );
        let id = match name {
            "org-advisor" => Some(OrganisationId::from(DEMO_ADVISOR_ID)),
            _ => fixed(&DEMO_ORGANISATION_IDS, name, |s| {
                OrganisationId::parse(s, "id").ok()
            }),
        };
        let o = research
            .create_organisation_with_id(
                Some(&author),
                key,
                org,
                id.unwrap_or_else(OrganisationId::new),
            )
            .await?;
        ids.insert(name, o.id.to_key());
    }

    for (i, p) in PRACTICES.iter().enumerate() {
        let body = p.summary.map(|s| if s.is_empty() { "" } else { s });
        let draft = PracticeDraft {
            title: text(p.title),
            summary: text(p.summary),
            body: text(body),
            original_language: p.lang.into(),
            area_code: p.area.into(),
            country: p.country.into(),
            city: p.city.into(),
            local_government_code: match p.city {
                "Suwon" => "41110".into(),
                "Seoul" => "11000".into(),
                _ => String::new(),
            },
            source_organisation_id: match p.city {
                "Utrecht" => ids["org-utrecht"].clone(),
                "Shanghai" => ids["org-shanghai"].clone(),
                "Espoo" => ids["org-aalto"].clone(),
                _ => String::new(),
            },
            year: p.year,
            tags: p.tags.iter().map(|t| (*t).to_owned()).collect(),
            links: vec![LinkDraft {
                url: format!("https://example.org/practices/{i}"),
                title: "Case study".into(),
            }],
            attachments: vec![],
        };
        let key = IdempotencyKey::parse(&format!("demo-practice-{i}"))?;
        let content = PracticeContent::parse(&draft)?;
        let d = match fixed(&DEMO_PRACTICE_IDS, p.city, |s| {
            crate::domain::PracticeId::parse(s, "id").ok()
        }) {
            Some(id) => {
                research
                    .draft_practice_as(Some(&author), key, content, id)
                    .await?
            }
            None => research.draft_practice(Some(&author), key, content).await?,
        };
        let id = d.id;
        // The last two stay in the workflow, so the queue is not empty.
        if i + 2 >= PRACTICES.len() {
            if i + 1 == PRACTICES.len() {
                research
                    .submit_practice(Some(&author), id, d.revision)
                    .await?;
            }
            continue;
        }
        let s = research
            .submit_practice(Some(&author), id, d.revision)
            .await?;
        let a = research
            .review_practice(Some(&reviewer), id, s.revision, true, "Sources checked.")
            .await?;
        let published = research
            .publish_practice(Some(&reviewer), id, a.revision)
            .await?;
        if i == 0 {
            let mut v2 = draft.clone();
            v2.summary.en.push_str(" A second garage opened in 2023.");
            research
                .update_practice(
                    Some(&author),
                    id,
                    published.revision,
                    PracticeContent::parse(&v2)?,
                    "Added the 2023 garage.",
                )
                .await?;
        }
        if i == 5 {
            research
                .withdraw_practice(
                    Some(&reviewer),
                    id,
                    published.revision,
                    "Superseded by a newer study.",
                )
                .await?;
        }
    }

    let ties = [
        (
            "rel-seoul-osaka",
            "11000",
            "org-osaka",
            RelationshipKind::FriendshipCity,
            RelationshipStatus::Active,
            "2009-09-01",
        ),
        (
            "rel-busan-shanghai",
            "26000",
            "org-shanghai",
            RelationshipKind::SisterCity,
            RelationshipStatus::Active,
            "1993-08-24",
        ),
        (
            "rel-busan-fukuoka",
            "26000",
            "org-fukuoka",
            RelationshipKind::SisterCity,
            RelationshipStatus::Active,
            "2007-02-02",
        ),
        (
            "rel-seoul-utrecht",
            "11000",
            "org-utrecht",
            RelationshipKind::Memorandum,
            RelationshipStatus::Proposed,
            "",
        ),
        // The K2H fellows' cities: Busan–Da Nang under negotiation, Gyeongju–Hue signed.
        (
            "rel-busan-danang",
            "26000",
            "org-danang",
            RelationshipKind::Memorandum,
            RelationshipStatus::Proposed,
            "",
        ),
        (
            "rel-gyeongju-hue",
            "47130",
            "org-hue",
            RelationshipKind::FriendshipCity,
            RelationshipStatus::Active,
            "2019-05-20",
        ),
    ];
    for (key, lg, org, kind, status, signed) in ties {
        let rel = research
            .create_relationship(
                Some(&author),
                key,
                &NewRelationship::parse(&RelationshipDraft {
                    kind: Some(kind),
                    local_government_code: lg.into(),
                    partner_organisation_id: ids[org].clone(),
                    status: Some(status),
                    signed_on: signed.into(),
                    note: String::new(),
                })?,
            )
            .await?;
        if status == RelationshipStatus::Active {
            research
                .record_interaction(
                    Some(&author),
                    &format!("{key}-visit"),
                    &NewInteraction::parse(&InteractionDraft {
                        relationship_id: rel.id.to_key(),
                        kind: Some(InteractionKind::Visit),
                        occurred_on: "2025-10-15".into(),
                        summary: "Mayoral delegation visit and youth exchange agreement.".into(),
                    })?,
                )
                .await?;
        }
    }

    let opportunity = research
        .propose_opportunity(
            Some(&author),
            IdempotencyKey::parse("demo-opportunity-1")?,
            NewOpportunity::parse(&OpportunityDraft {
                title: text([
                    "한일 청년 기후행동 교류",
                    "Korea–Japan youth climate exchange",
                    "",
                    "日韓青少年気候行動交流",
                ]),
                description: text([
                    "",
                    "CLAIR invites Korean local governments to co-host a youth climate camp.",
                    "",
                    "",
                ]),
                original_language: "en".into(),
                area_codes: vec!["environment".into(), "women_youth".into()],
                countries: vec!["JP".into()],
                organisation_id: ids["org-clair"].clone(),
                deadline: "2027-03-31".into(),
            })?,
        )
        .await?;
    research
        .set_opportunity_status(
            Some(&reviewer),
            opportunity.id,
            opportunity.revision,
            Some(OpportunityStatus::Open),
        )
        .await?;
    projects::seed(&research, &reviewer, opportunity.id, &ids).await?;
    tracing::info!(
        practices = PRACTICES.len(),
        organisations = orgs.len(),
        "research demo data loaded"
    );
    Ok(true)
}
