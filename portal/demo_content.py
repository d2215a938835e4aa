"""Demo content drawn from the facts of 重庆党史工作 2020年第3期 (the seed bulletin)."""

# code, name, short name, English name, region, level, parent code
ORGANISATIONS = [
    (
        "sc-province",
        "四川省委党史研究室",
        "四川省委党史研究室",
        "Party History Research Office of the CPC Sichuan Provincial Committee",
        "sichuan",
        "province",
        None,
    ),
    (
        "sc-chengdu",
        "成都市委党史研究室",
        "成都市委党史研究室",
        "Party History Research Office of the CPC Chengdu Municipal Committee",
        "sichuan",
        "city",
        "sc-province",
    ),
    (
        "sc-yaan",
        "雅安市委党史研究室",
        "雅安市委党史研究室",
        "Party History Research Office of the CPC Ya'an Municipal Committee",
        "sichuan",
        "city",
        "sc-province",
    ),
    (
        "sc-guangan",
        "广安市委党史研究室",
        "广安市委党史研究室",
        "Party History Research Office of the CPC Guang'an Municipal Committee",
        "sichuan",
        "city",
        "sc-province",
    ),
    (
        "sc-chengdu-jinjiang",
        "锦江区委党史研究室",
        "锦江区委党史研究室",
        "Party History Research Office of the CPC Jinjiang District Committee, Chengdu",
        "sichuan",
        "district",
        "sc-chengdu",
    ),
    (
        "cq-municipal",
        "重庆市委党史研究室",
        "市委党史研究室",
        "Party History Research Office of the CPC Chongqing Municipal Committee",
        "chongqing",
        "province",
        None,
    ),
    (
        "cq-qijiang",
        "綦江区委党史地方志研究室",
        "綦江区委党史地方志研究室",
        "Party History and Local Chronicles Office of the CPC Qijiang District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-bishan",
        "璧山区委党史研究室",
        "璧山区委党史研究室",
        "Party History Research Office of the CPC Bishan District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-shapingba",
        "沙坪坝区委党史研究室",
        "沙坪坝区委党史研究室",
        "Party History Research Office of the CPC Shapingba District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-jiulongpo",
        "九龙坡区委党史研究室",
        "九龙坡区委党史研究室",
        "Party History Research Office of the CPC Jiulongpo District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-yuzhong",
        "渝中区委党史研究室",
        "渝中区委党史研究室",
        "Party History Research Office of the CPC Yuzhong District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-jiangjin",
        "江津区委党史研究室",
        "江津区委党史研究室",
        "Party History Research Office of the CPC Jiangjin District Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-nanchuan",
        "南川区史志办",
        "南川区史志办",
        "Local History Office of Nanchuan District",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-youyang",
        "酉阳县委党史研究室",
        "酉阳县委党史研究室",
        "Party History Research Office of the CPC Youyang County Committee",
        "chongqing",
        "district",
        "cq-municipal",
    ),
    (
        "cq-wansheng",
        "万盛经开区党史研究室",
        "万盛经开区党史研究室",
        "Party History Research Office of the Wansheng Economic Development Zone",
        "chongqing",
        "district",
        "cq-municipal",
    ),
]

# username, full name, organisation code, roles, position
STAFF = {
    "sichuan": [
        ("sc_admin", "刘晓晨", "sc-province", ["administrator", "reviewer"], "主任"),
        ("sc_reviewer", "王审核", "sc-province", ["reviewer"], "宣教处审核员"),
        ("sc_researcher", "李研究", "sc-province", ["researcher"], "研究一处研究员"),
        ("cd_editor", "曾编辑", "sc-chengdu", ["editor"], "编辑"),
        ("cd_trainer", "陈培训", "sc-chengdu", ["trainer"], "培训科科长"),
        ("ya_editor", "师编辑", "sc-yaan", ["editor"], "编辑"),
    ],
    "chongqing": [
        ("cq_admin", "徐塞声", "cq-municipal", ["administrator", "reviewer"], "主任"),
        ("cq_reviewer", "周审核", "cq-municipal", ["reviewer"], "宣教处审核员"),
        ("cq_researcher", "余研究", "cq-municipal", ["researcher"], "南方局研究室研究员"),
        ("cq_trainer", "马培训", "cq-municipal", ["trainer"], "培训处干部"),
        ("qj_editor", "綦编辑", "cq-qijiang", ["editor", "researcher"], "编辑"),
        ("bs_editor", "璧编辑", "cq-bishan", ["editor"], "编辑"),
    ],
}

HOME = {
    "sichuan": {
        "title": "川渝党史协作平台 · 四川站",
        "introduction": (
            "2020年5月19日，重庆市委党史研究室在成都与四川省委党史研究室、成都市委党史研究室"
            "分别签署合作框架协议，并召开第一次联席会议。本平台服务协议确定的各项协作：共享党史资料"
            "和研究成果、协同开展课题研究、联合举办学术交流、互推互展宣传教育、联合培养党史干部。"
        ),
        "title_en": "Sichuan–Chongqing Party History Collaboration · Sichuan",
        "introduction_en": (
            "On 19 May 2020 the Chongqing Party History Research Office signed framework agreements in "
            "Chengdu with the Sichuan Provincial and the Chengdu Municipal Party History Research Offices, "
            "and held the first joint meeting. This portal serves the cooperation they agreed: sharing "
            "archives and research results, joint research projects, academic exchange, reciprocal "
            "publicity and joint training of party-history staff."
        ),
    },
    "chongqing": {
        "title": "川渝党史协作平台 · 重庆站",
        "introduction": (
            "川渝、成渝党史部门签署战略合作协议，建立联席会议制度，协同推进两地党史工作。"
            "重庆各区县党史部门与四川各市（州）、区（县、市）党史部门在此共享资料、联合研究、"
            "互推互展、共同培训。"
        ),
        "title_en": "Sichuan–Chongqing Party History Collaboration · Chongqing",
        "introduction_en": (
            "The party-history offices of Sichuan and Chongqing, and of Chengdu and Chongqing, signed "
            "strategic cooperation agreements and set up a joint-meeting system. Chongqing's district "
            "offices and Sichuan's city and county offices share archives, research jointly, publicise "
            "each other's work and train together here."
        ),
    },
}

ABOUT_TITLE = "关于川渝党史协作"
ABOUT_TITLE_EN = "About the Sichuan–Chongqing party-history cooperation"
ABOUT_INTRODUCTION_EN = (
    "To serve the Chengdu–Chongqing economic circle, the party-history offices of both provinces "
    "at every level have set up channels of exchange and cooperation."
)
ABOUT_INTRODUCTION = "为服务成渝地区双城经济圈建设，川渝两地各级党史部门建立不同层级的交流沟通协作机制。"
ABOUT_PARAGRAPHS = [
    "<p>协议明确建立联席会议制度，通过联席会议加强川渝两地各级党史部门的沟通联系，"
    "协同开展党史资料征编、党史研究、学术研讨、党史宣传教育、党史成果转化、人员培训培养等工作。</p>",
    "<p>两地将围绕新民主主义革命时期、社会主义革命和建设时期、改革开放和社会主义现代化建设新时期、"
    "中国特色社会主义新时代的党史资源开展挖掘和研究，共同促进川渝地区党史资源的保护利用。</p>",
    "<p>双方共同打造党史智库和专家库，聚焦川渝两地的党史重大事件、重要人物联合举办学术研讨会；"
    "对两地重要的红色景点，在各自官方网络和新媒体平台上相互展示宣传。</p>",
]

DEMO_PASSWORD = "chuanyu-demo-2020"

# Footer identity of each region's demo site (demo filing numbers, not real ones).
SITE_IDENTITY = {
    "sichuan": {
        "sponsor": "中共四川省委党史研究室",
        "contact_address": "四川省成都市青羊区（演示地址）",
        "contact_phone": "028-0000 0000",
        "contact_email": "office@sichuan.example.org",
        "icp_number": "蜀ICP备00000000号-1（演示）",
        "public_security_number": "川公网安备 51000000000000号（演示）",
        "site_code": "5100000000",
    },
    "chongqing": {
        "sponsor": "中共重庆市委党史研究室",
        "contact_address": "重庆市渝中区（演示地址）",
        "contact_phone": "023-0000 0000",
        "contact_email": "office@chongqing.example.org",
        "icp_number": "渝ICP备00000000号-1（演示）",
        "public_security_number": "渝公网安备 50000000000000号（演示）",
        "site_code": "5000000000",
    },
}

# Contact details of the provincial offices' pages (demo values, like the footer's).
ORGANISATION_CONTACTS = {
    "sc-province": {
        "address": "四川省成都市青羊区（演示地址）",
        "postcode": "610000",
        "phone": "028-0000 0001",
        "email": "dangshi@sichuan.example.org",
        "office_hours": "工作日 9:00—12:00，13:30—17:30",
    },
    "cq-municipal": {
        "address": "重庆市渝中区（演示地址）",
        "postcode": "400000",
        "phone": "023-0000 0001",
        "email": "dangshi@chongqing.example.org",
        "office_hours": "工作日 9:00—12:00，14:00—18:00",
    },
}
