"""Final quiz and a written exercise: safe use of AI assistants."""

TITLE = "结业测验：安全使用 AI 助手"
QUESTIONS = [
    {
        "kind": "multiple",
        "text": "下面哪些内容绝不能输入 AI 助手？",
        "choices": [
            {"text": "居民的身份证号", "correct": True},
            {"text": "居民的就医和健康情况", "correct": True},
            {"text": "居民的家庭住址门牌", "correct": True},
            {"text": "“周六上午在社区广场接种疫苗”这件事本身"},
        ],
        "explanation": "证件号、健康信息、住址一律不输入；通知要说的事实本身可以。",
    },
    {
        "kind": "single",
        "text": "AI 助手最擅长做什么？",
        "choices": [
            {"text": "起草、改写和整理文字", "correct": True},
            {"text": "替你核实政策是否有效"},
            {"text": "给居民出医疗诊断"},
        ],
        "explanation": "AI 擅长措辞，不能替你查事实、做判断、给医疗法律意见。",
    },
    {
        "kind": "true_false",
        "text": "AI 写出来的通知语句通顺，就说明里面的时间和电话是对的。",
        "true_answer": False,
        "explanation": "通顺不等于正确：时间、星期、数字、电话都要逐项核对。",
    },
    {
        "kind": "single",
        "text": "需要让 AI 帮忙整理一段含有居民姓名的材料，应该怎么做？",
        "choices": [
            {"text": "先把姓名、房号换成“居民A”“某楼某室”，只贴需要的一段", "correct": True},
            {"text": "整份复制进去，用完再删"},
            {"text": "只要用的是付费版就可以"},
        ],
        "explanation": "输入 AI 的内容会离开你的手机和电脑：先替换，再只贴需要的部分。",
    },
    {
        "kind": "hotspot",
        "text": "在 AI 助手的隐私设置里，点哪里关闭“用对话改进模型”？",
        "image": "phone-ai-settings-plain",
        "areas": [{"shape": "rect", "x": 0.78, "y": 0.33, "w": 0.14, "h": 0.06}],
        "explanation": "第一行最右边的开关，关闭后对话不用于改进模型。",
    },
    {
        "kind": "ordering",
        "text": "用 AI 助手写一条通知，按什么顺序？",
        "steps": [
            "整理好时间、地点等事实",
            "写提示词，不含个人信息",
            "逐句核对 AI 的草稿",
            "负责人审核后发布",
        ],
        "explanation": "事实由你提供，AI 只负责措辞，人来核对和定稿。",
    },
    {
        "kind": "multiple",
        "text": "一条好的提示词包括哪些？",
        "choices": [
            {"text": "写给谁", "correct": True},
            {"text": "要写什么（通知、总结还是回复）", "correct": True},
            {"text": "事实和格式要求", "correct": True},
            {"text": "居民的联系电话"},
        ],
        "explanation": "写给谁、要什么、事实、格式；不放个人信息。",
    },
    {
        "kind": "true_false",
        "text": "AI 在通知里自己加了一句“现场有礼品发放”，听起来不错，可以保留。",
        "true_answer": False,
        "explanation": "AI 自己补充的内容一律核实或删除，否则就是发布不实信息。",
    },
    {
        "kind": "single",
        "text": "AI 的回答里引用了一条政策条款，但你找不到原文。应该？",
        "choices": [
            {"text": "不发布这条内容，找到原文再说", "correct": True},
            {"text": "照样发布，AI 一般不会错"},
            {"text": "改个说法再发布"},
        ],
        "explanation": "找不到原文的政策条款，不能发布。",
    },
    {
        "kind": "fill_blank",
        "text": "在提示词里提到居民时，用“居民______”这样的代称代替真实姓名。（填一个字母）",
        "answers": [
            {"text": "A", "feedback": "对，例如“居民A”。"},
            {"text": "甲", "feedback": "对，“居民甲”也可以。"},
        ],
        "explanation": "代称足够让 AI 理解，又不泄露真实姓名。",
    },
    {
        "kind": "single",
        "text": "不小心把一份带居民电话的名单粘贴给了 AI，应该？",
        "choices": [
            {"text": "立即删除这段对话，并报告社区负责人", "correct": True},
            {"text": "没人知道，不用管"},
            {"text": "让 AI 帮你忘掉"},
        ],
        "explanation": "误贴后立即删除并报告，按信息泄露的流程处理。",
    },
    {
        "kind": "true_false",
        "text": "工作中只使用单位允许的 AI 工具。",
        "true_answer": True,
        "explanation": "单位评估过的工具，数据去向更清楚。",
    },
    {
        "kind": "single",
        "text": "对 AI 的初稿不满意，最有效的做法是？",
        "choices": [
            {"text": "接着提具体的修改要求，比如“再短一点，分三段”", "correct": True},
            {"text": "换一个 AI 重新问一模一样的话"},
            {"text": "直接发布，反正差不多"},
        ],
        "explanation": "不满意就接着提修改要求，越具体越好。",
    },
    {
        "kind": "multiple",
        "text": "核对 AI 草稿时，要重点看哪些地方？",
        "choices": [
            {"text": "日期和星期是否对得上", "correct": True},
            {"text": "数字和联系方式", "correct": True},
            {"text": "政策的出处", "correct": True},
            {"text": "用了几个感叹号"},
        ],
        "explanation": "时间和星期、数字、政策出处、联系方式，是 AI 最容易出错的地方。",
    },
    {
        "kind": "single",
        "text": "居民问“我发烧三天了该吃什么药”，你能不能把问题交给 AI 回答再转给他？",
        "choices": [
            {"text": "不能，请他就医或咨询社区卫生服务中心", "correct": True},
            {"text": "能，AI 懂得很多"},
            {"text": "能，只要去掉他的名字"},
        ],
        "explanation": "AI 不能给医疗意见；健康问题请居民找医生。",
    },
    {
        "kind": "true_false",
        "text": "在提示词里写上“信息不够时请先问我，不要编造”，能减少 AI 编造内容。",
        "true_answer": True,
        "explanation": "要求它信息不够时提问，比让它自己猜稳妥；但结果仍然要核对。",
    },
    {
        "kind": "hotspot",
        "text": "在 AI 助手对话页，点哪里输入你的提示词？",
        "image": "phone-ai-chat-plain",
        "areas": [{"shape": "rect", "x": 0.12, "y": 0.89, "w": 0.67, "h": 0.06}],
        "explanation": "输入框在页面最下方。",
    },
]

EXERCISE_TITLE = "写作练习：用 AI 助手起草一条通知"
EXERCISE = [
    {
        "kind": "essay",
        "text": (
            "社区定于下周六上午在社区广场为 60 岁以上居民组织接种疫苗。请写出你会交给 AI 助手的提示词"
            "（不含任何居民个人信息），并说明拿到草稿后你会核对哪几项。"
        ),
        "marking_guide": (
            "满分要点：提示词写明对象、要写的是通知、时间地点等事实和格式要求；不含姓名、电话、住址、"
            "证件号或健康信息；说明会核对日期和星期、地点、联系方式，并删除 AI 自行补充的内容。"
        ),
        "explanation": "好的提示词：写给谁、要什么、事实、格式；拿到草稿逐句核对，由人定稿。",
    },
    {
        "kind": "essay",
        "text": (
            "同事想把一份居民走访记录整份粘贴给 AI 助手，让它写总结。请写出你会怎样劝他，以及更安全的做法。"
        ),
        "marking_guide": (
            "满分要点：指出输入 AI 的内容会离开本机，走访记录含姓名、住址、健康等个人信息，"
            "健康信息属于《个人信息保护法》第二十八条的敏感个人信息；更安全的做法是先替换为代称、只贴需要的部分，"
            "或自己写要点后请 AI 润色；只用单位允许的工具。"
        ),
        "explanation": "先去掉个人信息、只贴需要的部分，只用单位允许的工具。",
    },
]
