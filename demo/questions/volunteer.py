"""Final quiz: volunteer onboarding."""

TITLE = "上岗测验：志愿者"
QUESTIONS = [
    {
        "kind": "multiple",
        "text": "下面哪些是志愿者在门岗可以做的事？",
        "choices": [
            {"text": "引导居民和访客扫码登记", "correct": True},
            {"text": "帮不会用手机的人代登记", "correct": True},
            {"text": "提醒排队的人保持距离", "correct": True},
            {"text": "检查访客的包和口袋"},
        ],
        "explanation": "志愿者负责引导、登记、提醒和帮扶，不搜身、不扣证件和物品。",
    },
    {
        "kind": "single",
        "text": "有人问你“我能不能进去”，你拿不准，应该？",
        "choices": [
            {"text": "请他稍等，去问带班人员", "correct": True},
            {"text": "自己做主放行"},
            {"text": "直接拒绝，让他走"},
        ],
        "explanation": "拿不准的事请带班人员决定，志愿者不自作主张放行或拦人。",
    },
    {
        "kind": "true_false",
        "text": "居民问什么时候解封，志愿者可以凭自己的判断回答“明天一定解封”。",
        "true_answer": False,
        "explanation": "不向居民承诺社区没有答应的事，以社区发布的通知为准。",
    },
    {
        "kind": "ordering",
        "text": "一班门岗值守的顺序是？",
        "steps": [
            "当面交接并检查登记码",
            "值守：看通行码、引导登记",
            "在值班记录上写明本班情况",
            "把未办完的事当面交给下一班",
        ],
        "explanation": "接班、值守、交班，每个环节都有要做的事。",
    },
    {
        "kind": "single",
        "text": "值班记录里哪种写法是对的？",
        "choices": [
            {"text": "“14:20 一名访客未登记离开，已报告带班人员”", "correct": True},
            {"text": "“某某素质太差”"},
            {"text": "“今天挺好的”"},
        ],
        "explanation": "记录写事实，不写评价。",
    },
    {
        "kind": "true_false",
        "text": "需要临时离开门岗时，先请带班人员或同班的人顶岗。",
        "true_answer": True,
        "explanation": "门岗空着，就会有人不登记进出。",
    },
    {
        "kind": "single",
        "text": "帮老人代登记，不知道他的电话号码，应该？",
        "choices": [
            {"text": "请同行家人说，或请他拨一下你的电话确认", "correct": True},
            {"text": "随便填一个号码凑数"},
            {"text": "请他把身份证给你抄"},
        ],
        "explanation": "错误的记录比没有记录更麻烦；请对方自己说，不抄身份证。",
    },
    {
        "kind": "hotspot",
        "text": "要给没有手机的老人代登记，在登记页顶部点哪里？",
        "image": "phone-proxy-register-plain",
        "areas": [{"shape": "rect", "x": 0.5, "y": 0.13, "w": 0.46, "h": 0.07}],
        "explanation": "点右侧的“代他人登记”。",
    },
    {
        "kind": "multiple",
        "text": "居民信息的四个“绝对不”是？",
        "choices": [
            {"text": "不拍", "correct": True},
            {"text": "不传", "correct": True},
            {"text": "不外泄", "correct": True},
            {"text": "不闲聊", "correct": True},
            {"text": "不登记"},
        ],
        "explanation": "不拍、不传、不外泄、不闲聊。登记是工作，要做。",
    },
    {
        "kind": "single",
        "text": "邻居问你“5 栋是不是有人发烧了”，你应该？",
        "choices": [
            {"text": "不回答，请他有疑问找社区", "correct": True},
            {"text": "告诉他是哪一户，提醒他注意"},
            {"text": "说“我也不清楚，好像是 3 楼”"},
        ],
        "explanation": "健康信息是《个人信息保护法》第二十八条说的敏感个人信息，只报告给带班人员。",
    },
    {
        "kind": "true_false",
        "text": "为了交接方便，可以把纸质登记名单拍照发到志愿者群里。",
        "true_answer": False,
        "explanation": "不拍、不传：纸上的名单、拍下的照片都容易外泄。",
    },
    {
        "kind": "single",
        "text": "有人情绪激动，对你大声嚷嚷，第一句话最好说什么？",
        "choices": [
            {"text": "“我知道您着急，排了这么久确实辛苦。”", "correct": True},
            {"text": "“你嚷什么嚷！”"},
            {"text": "不说话，转身走开"},
        ],
        "explanation": "先认同情绪，再说明做法，再给出路。",
    },
    {
        "kind": "fill_blank",
        "text": "门口有人突然晕倒，应立即拨打急救电话______。（填数字）",
        "answers": [{"text": "120", "feedback": "对，急救电话 120。"}],
        "explanation": "紧急情况先打电话：受伤或突发疾病 120，打架闯入 110，起火 119。",
    },
    {
        "kind": "ordering",
        "text": "遇到解决不了的问题，找人的顺序是？",
        "steps": ["带班人员", "社区值班电话", "紧急电话"],
        "explanation": (
            "日常问题先找带班人员，联系不上或超出权限再打社区值班电话；"
            "有人受伤、闯入、起火，直接打 120、110、119。"
        ),
    },
    {
        "kind": "single",
        "text": "居民说家里没药了又出不了门，你解决不了，应该？",
        "choices": [
            {"text": "记下需求和联系方式交给带班人员，也可告诉他拨打 12345", "correct": True},
            {"text": "告诉他“这不归我管”"},
            {"text": "把他的地址发到群里求助"},
        ],
        "explanation": "记下来交给带班人员；12345 是政务服务便民热线。",
    },
    {
        "kind": "true_false",
        "text": "有人举着手机拍你，你应该去抢他的手机。",
        "true_answer": False,
        "explanation": "保持平和照常说明，不抢手机；做得对，视频也不会让你理亏。",
    },
    {
        "kind": "single",
        "text": "上岗前要做什么？",
        "choices": [
            {"text": "在社区登记并领取、佩戴志愿者标识", "correct": True},
            {"text": "什么都不用，直接去门口"},
            {"text": "自己做一个袖标"},
        ],
        "explanation": "先登记，再上岗；佩戴标识，居民一眼就知道可以找你帮忙。",
    },
]
