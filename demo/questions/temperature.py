"""Final quiz: temperature logging."""

TITLE = "结业测验：体温记录"
QUESTIONS = [
    {
        "kind": "numeric",
        "text": "按本课程的例子，体温达到或超过多少摄氏度要按异常处理？",
        "answers": [
            {"text": "37.3", "feedback": "对，37.3℃ 及以上要复测和关注。"},
            {"text": "37.5", "weight": 0.5, "tolerance": 0.2, "feedback": "接近了：例子是 37.3℃。"},
        ],
        "explanation": "课程以 37.3℃ 为例，实际以当地规定为准。",
    },
    {
        "kind": "multiple",
        "text": "发现体温异常时，哪些做法是对的？",
        "choices": [
            {"text": "请对方到通风处休息后复测", "correct": True},
            {"text": "在小程序里如实登记复测结果", "correct": True},
            {"text": "为了不麻烦，把读数改成正常"},
        ],
        "explanation": "复测并如实记录；任何情况下都不能改数据。",
    },
    {
        "kind": "true_false",
        "text": "额温枪从室外拿进室内后，可以马上测量。",
        "true_answer": False,
        "explanation": "仪器需要在室内放一会儿适应温度，否则读数不准。",
    },
    {
        "kind": "single",
        "text": "冬天从室外进来的居民额温只有 35℃，最合适的做法是？",
        "choices": [
            {"text": "请他在室内休息 3–5 分钟后再测", "correct": True},
            {"text": "登记 35℃ 后放行"},
            {"text": "判定体温过低，送医"},
        ],
        "explanation": "额头被冻凉了读数会偏低，休息几分钟再测才准。",
    },
    {
        "kind": "single",
        "text": "额温枪测出异常，是否发热应以什么为准？",
        "choices": [
            {"text": "电子体温计测腋温的复测结果", "correct": True},
            {"text": "额温枪的第一次读数"},
            {"text": "居民自己说的感觉"},
        ],
        "explanation": "额温只用于初筛，异常要用电子体温计复测腋温。",
    },
    {
        "kind": "ordering",
        "text": "发现体温异常后，按什么顺序处置？",
        "steps": ["请对方到留观点休息", "休息后复测", "仍异常用电子体温计测腋温", "确认异常后上报"],
        "explanation": "留观、复测、上报：不漏报，也不让居民难堪。",
    },
    {
        "kind": "hotspot",
        "text": "复测仍然异常，系统弹出提醒。点哪里上报？",
        "image": "phone-temp-alert-plain",
        "areas": [{"shape": "rect", "x": 0.51, "y": 0.62, "w": 0.35, "h": 0.09}],
        "explanation": "点右边红色的“立即上报”，不要选“稍后处理”。",
    },
    {
        "kind": "true_false",
        "text": "值班忙的时候，可以先把体温写在手上，空了再一起补录。",
        "true_answer": False,
        "explanation": "测一个、录一个：事后集中补录最容易张冠李戴。",
    },
    {
        "kind": "single",
        "text": "录入时把 36.5 错录成了 3.65，应该怎么办？",
        "choices": [
            {"text": "在记录里点“更正”，填正确读数和原因", "correct": True},
            {"text": "删掉这条记录重新录"},
            {"text": "不用管，汇总时会自动改正"},
        ],
        "explanation": "用“更正”并写明原因，系统保留更正痕迹，方便以后核查；不要删掉重录。",
    },
    {
        "kind": "multiple",
        "text": "为发热居民保护隐私，哪些做法是对的？",
        "choices": [
            {"text": "不在排队的人面前大声说出读数", "correct": True},
            {"text": "只向社区负责人和卫生服务中心报告", "correct": True},
            {"text": "把他的房号发到居民群，提醒大家注意"},
            {"text": "别人问起时说“正在按流程处理”", "correct": True},
        ],
        "explanation": "健康信息是敏感个人信息（《个人信息保护法》第二十八条），只报告给需要处理的人。",
    },
    {
        "kind": "fill_blank",
        "text": "电子体温计用后，用______% 酒精棉片擦拭消毒。（填数字）",
        "answers": [{"text": "75", "feedback": "对，75% 酒精。"}],
        "explanation": "75% 酒精棉片擦拭消毒后，再给下一个人用。",
    },
    {
        "kind": "single",
        "text": "录入体温前，要先核对什么，避免同名同姓录错人？",
        "choices": [
            {"text": "姓名和房号", "correct": True},
            {"text": "只核对姓名"},
            {"text": "只核对手机尾号"},
        ],
        "explanation": "同名同姓很常见，一定要核对房号。",
    },
    {
        "kind": "hotspot",
        "text": "在社区通首页，点哪里进入体温登记？",
        "image": "phone-app-home-temp-plain",
        "areas": [{"shape": "rect", "x": 0.29, "y": 0.42, "w": 0.2, "h": 0.12}],
        "explanation": "体温登记在“常用功能”第一排第二个，红色温度计图标。",
    },
    {
        "kind": "true_false",
        "text": "入户测温时没有信号，记录会显示“待上传”；下班前要确认列表里没有“待上传”的记录。",
        "true_answer": True,
        "explanation": "回到有信号的地方会自动上传，但下班前一定要确认都传上去了。",
    },
    {
        "kind": "single",
        "text": "每日汇总提交前，最需要检查的是什么？",
        "choices": [
            {"text": "有没有漏登的人和还没处理的异常记录", "correct": True},
            {"text": "柱状图的颜色"},
            {"text": "当天的天气"},
        ],
        "explanation": "汇总提交后不能随意修改：先查漏登和待处理异常，再提交。",
    },
    {
        "kind": "single",
        "text": "测额温时，额温枪离额头一般多远（以说明书为准）？",
        "choices": [
            {"text": "3–5 厘米", "correct": True},
            {"text": "贴在皮肤上"},
            {"text": "半米以外"},
        ],
        "explanation": "对准额头正中，按说明书的距离测，一般为 3–5 厘米。",
    },
    {
        "kind": "multiple",
        "text": "确认体温异常并上报后，还要做什么？",
        "choices": [
            {"text": "电话告知社区负责人", "correct": True},
            {"text": "引导对方到就近医院的发热门诊就诊", "correct": True},
            {"text": "提醒对方全程戴口罩，尽量不乘坐公共交通", "correct": True},
            {"text": "拍下对方的照片发给同事"},
        ],
        "explanation": "上报、电话告知、引导就诊；不拍照、不外传。",
    },
]
