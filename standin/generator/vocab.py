"""Japanese names, companies and the CRM picklist values the generated records draw from."""

SURNAMES = (
    ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"), ("伊藤", "Ito"),
    ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"), ("加藤", "Kato"),
    ("吉田", "Yoshida"), ("山田", "Yamada"), ("佐々木", "Sasaki"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"),
    ("井上", "Inoue"), ("木村", "Kimura"), ("林", "Hayashi"), ("斎藤", "Saito"), ("清水", "Shimizu"),
    ("山崎", "Yamazaki"), ("森", "Mori"), ("池田", "Ikeda"), ("橋本", "Hashimoto"), ("阿部", "Abe"),
    ("石川", "Ishikawa"), ("山下", "Yamashita"), ("中島", "Nakajima"), ("石井", "Ishii"), ("小川", "Ogawa"),
    ("前田", "Maeda"), ("岡田", "Okada"), ("長谷川", "Hasegawa"), ("藤田", "Fujita"), ("後藤", "Goto"),
    ("近藤", "Kondo"), ("村上", "Murakami"), ("遠藤", "Endo"), ("青木", "Aoki"), ("坂本", "Sakamoto"),
)
GIVEN_NAMES = (
    ("太郎", "Taro"), ("翔太", "Shota"), ("大輔", "Daisuke"), ("健太", "Kenta"), ("拓也", "Takuya"),
    ("直樹", "Naoki"), ("誠", "Makoto"), ("亮", "Ryo"), ("浩二", "Koji"), ("隆", "Takashi"),
    ("花子", "Hanako"), ("美咲", "Misaki"), ("陽子", "Yoko"), ("由美", "Yumi"), ("愛", "Ai"),
    ("恵", "Megumi"), ("真由美", "Mayumi"), ("彩", "Aya"), ("千尋", "Chihiro"), ("香織", "Kaori"),
    ("蓮", "Ren"), ("悠真", "Yuma"), ("陽菜", "Hina"), ("結衣", "Yui"), ("さくら", "Sakura"),
    ("智子", "Tomoko"), ("裕子", "Yuko"), ("和也", "Kazuya"), ("一郎", "Ichiro"), ("明美", "Akemi"),
)
COMPANY_STEMS = (
    ("山田", "yamada"), ("東洋", "toyo"), ("日本", "nihon"), ("大和", "yamato"), ("アオバ", "aoba"),
    ("ミライ", "mirai"), ("ヒカリ", "hikari"), ("さくら", "sakura"), ("富士", "fuji"), ("北斗", "hokuto"),
    ("銀河", "ginga"), ("若葉", "wakaba"), ("光陽", "koyo"), ("泉", "izumi"), ("朝日", "asahi"),
    ("中央", "chuo"), ("丸の内", "marunouchi"), ("青山", "aoyama"), ("葵", "aoi"), ("翼", "tsubasa"),
    ("ネクスト", "next"), ("グローバル", "global"), ("スマート", "smart"), ("クラウド", "cloud"),
    ("ブライト", "bright"), ("アーク", "arc"), ("ソラ", "sora"), ("ハル", "haru"), ("ミナト", "minato"),
    ("瑞穂", "mizuho"), ("松風", "matsukaze"), ("白鷺", "shirasagi"), ("常盤", "tokiwa"), ("秀峰", "shuho"),
)
COMPANY_SECTORS = (
    ("商事", "shoji"), ("工業", "kogyo"), ("テクノロジー", "tech"), ("システムズ", "systems"),
    ("製作所", "ss"), ("物産", "bussan"), ("ホールディングス", "hd"), ("ソリューションズ", "solutions"),
    ("電機", "denki"), ("化学", "kagaku"), ("食品", "foods"), ("不動産", "estate"), ("ロジスティクス", "logi"),
)
COMPANY_FORMS = ("株式会社{}", "{}株式会社", "合同会社{}", "株式会社{}", "{}株式会社", "有限会社{}")
TOP_LEVEL_DOMAINS = ("co.jp", "co.jp", "co.jp", "jp", "com")
PERSONAL_DOMAINS = ("gmail.com", "yahoo.co.jp", "icloud.com", "outlook.jp", "docomo.ne.jp")
UNIVERSITIES = ("東京大学", "早稲田大学", "慶應義塾大学", "大阪大学", "京都大学", "明治大学", "東北大学")
PERSONAL_COMPANIES = ("個人", "個人事業主", "なし", "フリーランス")
JOB_TITLES = (
    "代表取締役", "取締役", "部長", "課長", "マネージャー", "主任", "担当者", "営業部 部長",
    "マーケティング部 課長", "情報システム部", "エンジニア", "経営企画室", "人事部 マネージャー",
)
ARCHIVE_JOB_TITLES = ("学生", "大学院生", "個人", "フリーランス", None)

INTENTS = ("ready_to_buy", "researching", "archive")
INTENT_WEIGHTS = (10, 65, 25)
HUBSPOT_SOURCES = (
    "ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS",
    "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL",
)
HUBSPOT_SOURCE_WEIGHTS = (28, 16, 10, 6, 8, 6, 14, 7, 5)
SALESFORCE_LEAD_SOURCES = (
    "Web", "Advertisement", "Seminar - Internal", "Partner Referral", "Purchased List", "Other", "Phone Inquiry",
)
SALESFORCE_LEAD_SOURCE_WEIGHTS = (38, 14, 14, 9, 8, 7, 10)

# Sales reps: (surname, given name, romaji local part); the same people own records in both CRMs.
SALES_REPS = (
    ("高木", "正人", "masato.takagi"), ("三浦", "奈々", "nana.miura"), ("藤井", "慎也", "shinya.fujii"),
    ("西村", "彩花", "ayaka.nishimura"), ("原田", "健一", "kenichi.harada"), ("松田", "理恵", "rie.matsuda"),
)
INTEGRATION_USER = ("HubSpot", "連携ユーザー", "hubspot.integration")
COMPANY_EMAIL_DOMAIN = "kpi-demo.co.jp"

DEAL_PRODUCTS = (
    "年間ライセンス", "導入支援パッケージ", "エンタープライズプラン", "追加ライセンス", "スタンダードプラン",
)
