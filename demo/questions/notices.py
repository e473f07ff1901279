"""Final quiz: community notices."""

TITLE = "结业测验：社区通知"
QUESTIONS = [
    {
        "kind": "multiple",
        "text": "一条清楚的通知要有哪些要素？",
        "choices": [
            {"text": "什么事、什么时间、在哪里", "correct": True},
            {"text": "对象是谁、要怎么办", "correct": True},
            {"text": "有问题找谁", "correct": True},
            {"text": "发布人的个人爱好"},
        ],
        "explanation": "六要素：事、时、地、人、怎么办、找谁。",
    },
    {
        "kind": "single",
        "text": "通知里的时间，哪种写法最清楚？",
        "choices": [
            {"text": "5 月 18 日（星期六）上午 9:00–11:30", "correct": True},
            {"text": "后天上午"},
            {"text": "近期"},
        ],
        "explanation": "写具体日期和星期，不写“近期”“后天”：转发以后，“后天”就说不清是哪天了。",
    },
    {
        "kind": "true_false",
        "text": "为了让大家重视，可以在通知里点名还没做核酸的居民。",
        "true_answer": False,
        "explanation": "通知里不点名任何居民，公开个人信息伤人也违法。",
    },
    {
        "kind": "single",
        "text": "群里的重要通知，用什么方式发，所有成员都会收到提醒？",
        "choices": [
            {"text": "群公告", "correct": True},
            {"text": "连发十条消息"},
            {"text": "改群名"},
        ],
        "explanation": "发布群公告时会提醒全体成员，也方便新成员查看。",
    },
    {
        "kind": "hotspot",
        "text": "在群聊信息页，点哪里发布群公告？",
        "image": "phone-group-settings-plain",
        "areas": [{"shape": "rect", "x": 0.01, "y": 0.42, "w": 0.98, "h": 0.09}],
        "explanation": "“群公告”在成员头像下面的设置列表里。",
    },
    {
        "kind": "fill_blank",
        "text": "课程建议居民群的群昵称统一为“楼栋-______-称呼”。（填两个字）",
        "answers": [{"text": "房号", "feedback": "对：楼栋-房号-称呼。"}],
        "explanation": "统一昵称方便找人，也方便发现混进来的陌生人。",
    },
    {
        "kind": "true_false",
        "text": "@所有人 适合每天发早安问候。",
        "true_answer": False,
        "explanation": "@所有人 只用于当天必须知道的紧急事项，用多了大家就不看了。",
    },
    {
        "kind": "single",
        "text": "防止陌生人混入居民群，应该打开哪个设置？",
        "choices": [
            {"text": "群聊邀请确认", "correct": True},
            {"text": "消息免打扰"},
            {"text": "置顶聊天"},
        ],
        "explanation": "开启邀请确认，新成员要群主确认才能进群。",
    },
    {
        "kind": "ordering",
        "text": "在公众号发布一篇通知，按什么顺序？",
        "steps": ["写好标题和正文", "预览到手机，从头到尾看一遍", "请另一人审核", "点“发表”"],
        "explanation": "一人编辑一人审核，预览无误再发表，发出去很难收回。",
    },
    {
        "kind": "hotspot",
        "text": "公众号文章已经审核无误，点哪里发表？",
        "image": "phone-official-account-plain",
        "areas": [{"shape": "rect", "x": 0.67, "y": 0.82, "w": 0.3, "h": 0.09}],
        "explanation": "绿色“发表”按钮在页面底部右侧。",
    },
    {
        "kind": "single",
        "text": "公众号正文为什么不要全部做成图片？",
        "choices": [
            {"text": "图片里的字不能搜索、不能放大朗读，老人看不清", "correct": True},
            {"text": "图片太好看"},
            {"text": "公众号不允许发图片"},
        ],
        "explanation": "正文用文字，方便搜索、复制和用读屏软件朗读。",
    },
    {
        "kind": "multiple",
        "text": "群里有人转发了一条“小区明天封闭”的消息，社区没有这个安排。应该怎么做？",
        "choices": [
            {"text": "先核实，并提醒大家不要转发", "correct": True},
            {"text": "截图留存原消息和发布人", "correct": True},
            {"text": "核实后发澄清：网传什么、事实是什么、该怎么做", "correct": True},
            {"text": "直接把发消息的人踢出群，不做说明"},
        ],
        "explanation": "核实、留存、用三句话澄清；恶意造谣的报告街道处理。",
    },
    {
        "kind": "true_false",
        "text": "公众号文章发错了，悄悄删掉就可以，不用说明。",
        "true_answer": False,
        "explanation": "错误要公开更正，说明改了什么，居民才会继续信任社区的通知。",
    },
    {
        "kind": "single",
        "text": "独居老人不用微信，重要通知怎么送到？",
        "choices": [
            {"text": "打电话逐户通知，请对方复述时间和地点", "correct": True},
            {"text": "在群里多发几遍"},
            {"text": "等他自己来问"},
        ],
        "explanation": "线上线下一起发：电话、楼道公告、请邻居转告、上门。",
    },
    {
        "kind": "multiple",
        "text": "贴在楼道里的纸质公告，要写明哪些？",
        "choices": [
            {"text": "发布单位", "correct": True},
            {"text": "发布日期", "correct": True},
            {"text": "咨询电话", "correct": True},
            {"text": "需要复查的居民名单"},
        ],
        "explanation": "写明单位、日期和电话；不贴带居民姓名的名单。",
    },
    {
        "kind": "single",
        "text": "通知的第一行应该写什么？",
        "choices": [
            {"text": "这是什么事", "correct": True},
            {"text": "“各位亲爱的邻居大家好”"},
            {"text": "社区简介"},
        ],
        "explanation": "第一行说清是什么事：很多人只看第一行。",
    },
    {
        "kind": "true_false",
        "text": "同一件事，群里、公众号和楼道公告的说法应该保持一致。",
        "true_answer": True,
        "explanation": "多个渠道说法不一，就会产生新的“谣言”。",
    },
]
