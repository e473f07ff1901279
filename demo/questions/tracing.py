"""Final quiz: contact tracing."""

TITLE = "结业测验：流调追踪"
QUESTIONS = [
    {
        "kind": "single",
        "text": "打流调电话的地点，最合适的是？",
        "choices": [
            {"text": "安静、无人旁听的房间", "correct": True},
            {"text": "门岗值班台"},
            {"text": "居民群语音通话里"},
        ],
        "explanation": "流调涉及健康和行踪等敏感信息，要在无人旁听的地方打。",
    },
    {
        "kind": "true_false",
        "text": "为了确认对方身份，流调时可以请对方报一下银行卡号或验证码。",
        "true_answer": False,
        "explanation": "流调绝不问银行卡、验证码，开场就说清楚，也能让对方放心不是诈骗。",
    },
    {
        "kind": "single",
        "text": "询问活动轨迹时，应该从哪一天问起？",
        "choices": [
            {"text": "从最近一天往前倒推", "correct": True},
            {"text": "从最早一天往后问"},
            {"text": "让对方想到哪天说哪天"},
        ],
        "explanation": "最近的记得最清楚，从最近一天往前倒推，每天按时间顺序问。",
    },
    {
        "kind": "multiple",
        "text": "对方提到去过一家饭店，还要问清哪些？",
        "choices": [
            {"text": "堂食还是外卖", "correct": True},
            {"text": "同行人员", "correct": True},
            {"text": "停留多久、是否戴口罩", "correct": True},
            {"text": "花了多少钱"},
        ],
        "explanation": "堂食还是外卖、同行人员、是否戴口罩、停留多久，决定了风险大小。",
    },
    {
        "kind": "true_false",
        "text": "对方记不清某段行程时，可以按常理推测一个地点先填上。",
        "true_answer": False,
        "explanation": "记不清的写时间段并注明“待核实”，绝不编造。",
    },
    {
        "kind": "ordering",
        "text": "一次电话流调的顺序是？",
        "steps": ["说明身份和目的", "从最近一天往前逐天询问", "边问边在模板里记录", "结束前逐天复述确认"],
        "explanation": "开场说清身份，逐天倒推，边问边记，最后复述确认。",
    },
    {
        "kind": "hotspot",
        "text": "在活动轨迹录入页，要加一个新地点，点哪里？",
        "image": "phone-trace-form-plain",
        "areas": [{"shape": "rect", "x": 0.08, "y": 0.69, "w": 0.84, "h": 0.09}],
        "explanation": "“添加地点”按钮在轨迹条目下面。",
    },
    {
        "kind": "single",
        "text": "录完轨迹在地图上核对，发现一个点远在另一个城市，最可能是？",
        "choices": [
            {"text": "地点选错了，要核实后改正", "correct": True},
            {"text": "对方说谎了"},
            {"text": "地图出错，不用管"},
        ],
        "explanation": "远得离谱的点多半是选错了同名地点，核实后改正。",
    },
    {
        "kind": "fill_blank",
        "text": "记不清的行程，写时间段并注明“______”。（填三个字）",
        "answers": [{"text": "待核实", "feedback": "对，注明待核实，之后再查。"}],
        "explanation": "不确定的信息要标明，不能当成事实录入。",
    },
    {
        "kind": "multiple",
        "text": "核查密接名单时，哪些做法是对的？",
        "choices": [
            {"text": "按“待核实”筛选，逐条处理", "correct": True},
            {"text": "重复的记录合并，不直接删除", "correct": True},
            {"text": "每次修改写清原因", "correct": True},
            {"text": "把名单导出发到工作群，方便大家一起核"},
        ],
        "explanation": "逐条处理、合并不删、写清原因；名单不导出外传。",
    },
    {
        "kind": "single",
        "text": "核对一个人的身份，课程建议核对哪几项？",
        "choices": [
            {"text": "姓名、手机号后四位和现住址", "correct": True},
            {"text": "完整身份证号和银行卡号"},
            {"text": "只核对姓名"},
        ],
        "explanation": "用最少的信息确认是同一个人，不需要完整证件号。",
    },
    {
        "kind": "true_false",
        "text": "打了一次电话没接，就可以把这个人标记为失联。",
        "true_answer": False,
        "explanation": "要多次、多途径联系后再判断失联。",
    },
    {
        "kind": "single",
        "text": "对方乘坐了公交车，轨迹里要记什么？",
        "choices": [
            {"text": "线路和上下车站点、时间", "correct": True},
            {"text": "只写“坐公交”"},
            {"text": "车票价格"},
        ],
        "explanation": "公交地铁要记线路和站点，才能找到同车的人。",
    },
    {
        "kind": "multiple",
        "text": "可以请对方怎样帮助回忆行程？",
        "choices": [
            {"text": "看手机支付记录", "correct": True},
            {"text": "看出行记录和相册", "correct": True},
            {"text": "把支付记录截图发给你"},
        ],
        "explanation": "请对方自己看、口头说，不需要对方把记录截图发给你。",
    },
    {
        "kind": "single",
        "text": "对方情绪激动，说“你们是不是怀疑我”，合适的回应是？",
        "choices": [
            {"text": "“我理解您的心情，这是为了及时提醒和您接触过的人，信息只用于防控。”", "correct": True},
            {"text": "“你不配合就是违法。”"},
            {"text": "挂断电话，换别人打"},
        ],
        "explanation": "不评判、不催促，说明目的和信息用途，对方才愿意说。",
    },
    {
        "kind": "hotspot",
        "text": "在流调人员名单里，打开第二个人的记录，点哪里？",
        "image": "phone-trace-list-plain",
        "areas": [{"shape": "rect", "x": 0.03, "y": 0.35, "w": 0.93, "h": 0.11}],
        "explanation": "从上往下数第二行。",
    },
    {
        "kind": "true_false",
        "text": "外地的密接人员，应该按流程转出，而不是从名单里直接删除。",
        "true_answer": True,
        "explanation": "外地的转出，重复的合并，都不直接删除，保留处理痕迹。",
    },
]
