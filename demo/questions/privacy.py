"""Final quiz: protecting residents' personal information (recurring yearly)."""

TITLE = "结业测验：居民个人信息保护"
QUESTIONS = [
    {
        "kind": "multiple",
        "text": "按《个人信息保护法》第二十八条，下面哪些属于敏感个人信息？",
        "choices": [
            {"text": "医疗健康信息", "correct": True},
            {"text": "行踪轨迹", "correct": True},
            {"text": "不满十四周岁未成年人的个人信息", "correct": True},
            {"text": "社区办公室的电话"},
        ],
        "explanation": "第二十八条列举了生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，"
        "以及不满十四周岁未成年人的个人信息。",
    },
    {
        "kind": "single",
        "text": "《个人信息保护法》第六条要求收集个人信息应当怎样？",
        "choices": [
            {"text": "限于实现处理目的的最小范围，不得过度收集", "correct": True},
            {"text": "能多收就多收，以备不时之需"},
            {"text": "只要对方不反对就可以收"},
        ],
        "explanation": "第六条：目的明确合理，收集限于实现处理目的的最小范围，不得过度收集。",
    },
    {
        "kind": "true_false",
        "text": "能认出是哪一个人的信息，比如“3 栋 2 单元 501 的独居老人”，即使没有写姓名，也是个人信息。",
        "true_answer": True,
        "explanation": "能识别出特定个人的信息就是个人信息（《个人信息保护法》第四条）。",
    },
    {
        "kind": "single",
        "text": "手机号 13812345678 按课程的方法脱敏后是？",
        "choices": [
            {"text": "138****5678", "correct": True},
            {"text": "13812345678"},
            {"text": "****"},
        ],
        "explanation": "保留前三位和后四位，中间用星号代替，既能核对又不暴露完整号码。",
    },
    {
        "kind": "true_false",
        "text": "把表格里身份证号那一列隐藏起来，就算脱敏了。",
        "true_answer": False,
        "explanation": "隐藏列、改字体颜色都不算脱敏，别人一点就能看到：要删除原列。",
    },
    {
        "kind": "single",
        "text": "公示名单里，姓名“张建华”应该写成？",
        "choices": [
            {"text": "张*华", "correct": True},
            {"text": "张建华（3 栋 501）"},
            {"text": "张建华"},
        ],
        "explanation": "公示名单姓名中间用星号，地址只写到楼栋。",
    },
    {
        "kind": "multiple",
        "text": "在线分享一张居民表格，应该怎么设置？",
        "choices": [
            {"text": "仅指定人可查看", "correct": True},
            {"text": "关闭下载、打开水印", "correct": True},
            {"text": "设置有效期", "correct": True},
            {"text": "所有人可编辑，方便大家补充"},
        ],
        "explanation": "只给需要的人看，关下载、开水印、设有效期，任务结束关闭链接。",
    },
    {
        "kind": "hotspot",
        "text": "表格分享设置页上，点哪里设为“仅指定人可查看”？",
        "image": "phone-share-settings-plain",
        "areas": [{"shape": "rect", "x": 0.07, "y": 0.37, "w": 0.86, "h": 0.08}],
        "explanation": "在权限选项里选“仅指定人可查看”。",
    },
    {
        "kind": "ordering",
        "text": "发现一份居民名单可能被误发到了大群，按什么顺序处理？",
        "steps": ["立即撤回或请群成员删除", "查清泄露的范围", "报告社区负责人", "按统一安排告知居民并复盘"],
        "explanation": (
            "先止损，再查范围，立即报告；《个人信息保护法》第五十七条要求立即采取补救措施并按规定通知。"
        ),
    },
    {
        "kind": "true_false",
        "text": "只是“可能”泄露、还不确定，就先不报告，等确定了再说。",
        "true_answer": False,
        "explanation": "可能泄露就按泄露处理，不瞒报；越早止损损失越小。",
    },
    {
        "kind": "single",
        "text": "访客登记需要收集身份证号吗？",
        "choices": [
            {"text": "不需要，姓名、手机号、来访事由、拜访楼栋四项就够", "correct": True},
            {"text": "需要，越全越好"},
            {"text": "需要，还要拍身份证照片"},
        ],
        "explanation": "不收这项工作也能完成，就不收：这就是最小必要。",
    },
    {
        "kind": "fill_blank",
        "text": "处理敏感个人信息，按《个人信息保护法》第二十九条，应当取得个人的______同意。（填两个字）",
        "answers": [{"text": "单独", "feedback": "对，敏感个人信息要取得单独同意（法律另有规定的除外）。"}],
        "explanation": (
            "第二十九条：处理敏感个人信息应当取得个人的单独同意；法律、行政法规规定取得书面同意的，从其规定。"
        ),
    },
    {
        "kind": "single",
        "text": "为防控工作收集的居民信息，任务结束后应该？",
        "choices": [
            {"text": "只用于防控，按规定删除或处理", "correct": True},
            {"text": "留着以后做别的活动用"},
            {"text": "交给物业公司保管"},
        ],
        "explanation": "目的明确、用完按规定处理，不挪作他用。",
    },
    {
        "kind": "hotspot",
        "text": "小程序申请使用位置信息，点哪个选项最稳妥？",
        "image": "phone-privacy-permission-plain",
        "areas": [{"shape": "rect", "x": 0.06, "y": 0.71, "w": 0.89, "h": 0.09}],
        "explanation": "选“仅在使用期间允许”，不用的时候不给位置。",
    },
    {
        "kind": "multiple",
        "text": "要把一张表发给街道，发送前要检查什么？",
        "choices": [
            {"text": "只留对方需要的行和列", "correct": True},
            {"text": "有没有隐藏的工作表和隐藏的列", "correct": True},
            {"text": "文件密码用电话告知，不和文件一起发", "correct": True},
            {"text": "表格的字体是否好看"},
        ],
        "explanation": "删掉不需要的内容，查隐藏的表和列，密码分开告知。",
    },
    {
        "kind": "true_false",
        "text": "《个人信息保护法》第十条规定，任何组织、个人不得非法买卖、提供或者公开他人个人信息。",
        "true_answer": True,
        "explanation": "第十条：不得非法收集、使用、加工、传输他人个人信息，不得非法买卖、提供或者公开。",
    },
    {
        "kind": "single",
        "text": "课程建议身份证号怎样脱敏？",
        "choices": [
            {"text": "隐藏中间的出生日期部分", "correct": True},
            {"text": "只隐藏最后一位"},
            {"text": "不用脱敏"},
        ],
        "explanation": "身份证号中间的出生日期能推出年龄和生日，要隐藏。",
    },
]
