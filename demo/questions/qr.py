"""Final quiz: QR visitor registration."""

TITLE = "结业测验：扫码登记"
QUESTIONS = [
    {
        "kind": "single",
        "text": "访客扫码登记成功后，门岗人员首先应该核对什么？",
        "choices": [
            {"text": "手机上显示的登记成功页面和时间", "correct": True},
            {"text": "访客的微信头像"},
            {"text": "访客手机的电量"},
        ],
        "explanation": "登记成功页面上的时间能证明是刚刚完成的登记，截图或旧页面不能代替。",
    },
    {
        "kind": "true_false",
        "text": "发现门口的登记二维码被别人贴上了另一张码，可以先继续使用，下班后再处理。",
        "true_answer": False,
        "explanation": "被覆盖的二维码可能是诈骗码，发现后要立即撕掉并换上正确的登记码，同时报告。",
    },
    {
        "kind": "ordering",
        "text": "帮老人代登记时，正确的操作顺序是？",
        "steps": [
            "说明代登记的用途并征得同意",
            "在小程序里选择“代他人登记”",
            "逐项填写并读给老人确认",
            "提交后告诉老人已登记成功",
        ],
        "explanation": "先说明用途并取得同意，再代为填写，填完要让本人确认。",
    },
    {
        "kind": "hotspot",
        "text": "在“社区通”首页，点哪里进入访客登记？",
        "image": "phone-app-home-plain",
        "areas": [{"shape": "rect", "x": 0.08, "y": 0.43, "w": 0.18, "h": 0.11}],
        "explanation": "访客登记图标在首页功能区第一个位置。",
    },
    {
        "kind": "single",
        "text": "小区有东门和南门两个出入口，登记码应该怎么设置？",
        "choices": [
            {"text": "每个出入口生成自己的登记码", "correct": True},
            {"text": "生成一张码，复印后两个门各贴一张"},
            {"text": "只在东门贴码，南门的访客绕到东门"},
        ],
        "explanation": "每个出入口一张专属码，后台才能区分访客从哪个门进来，出了问题也能查到是哪一班。",
    },
    {
        "kind": "multiple",
        "text": "登记表里保留哪几项就够用了？",
        "choices": [
            {"text": "姓名", "correct": True},
            {"text": "手机号", "correct": True},
            {"text": "来访事由和拜访楼栋", "correct": True},
            {"text": "身份证号和家庭住址"},
            {"text": "工作单位和收入"},
        ],
        "explanation": "登记项够用就好：多收集的信息既难保管，也违背《个人信息保护法》第六条最小必要的要求。",
    },
    {
        "kind": "fill_blank",
        "text": "访客提交登记后出现的成功页面，正常是什么颜色？（填一个字）",
        "answers": [
            {"text": "绿", "feedback": "对，绿色表示登记成功。"},
            {"text": "绿色", "feedback": "对，绿色表示登记成功。"},
        ],
        "explanation": "绿色是登记成功；橙色或灰色要请对方返回重新提交。",
    },
    {
        "kind": "true_false",
        "text": "访客出示的成功页面上时间静止不动，可能是一张截图，应请对方刷新或重新登记。",
        "true_answer": True,
        "explanation": "真实的成功页面时间会走动；静止不动的可能是截图。",
    },
    {
        "kind": "single",
        "text": "访客说“我没有微信”，最合适的做法是？",
        "choices": [
            {"text": "用代登记功能帮他登记", "correct": True},
            {"text": "让他借旁边人的手机扫码"},
            {"text": "不登记直接放行"},
        ],
        "explanation": "借别人的手机登记，记录里的手机号就是别人的；应由值班人员代登记。",
    },
    {
        "kind": "hotspot",
        "text": "访客登记表已经填好，点哪里提交？",
        "image": "phone-visitor-form-plain",
        "areas": [{"shape": "rect", "x": 0.03, "y": 0.81, "w": 0.94, "h": 0.1}],
        "explanation": "“提交登记”是登记表最下方的蓝色长按钮。",
    },
    {
        "kind": "numeric",
        "text": "按课程建议，登记码海报贴在离地面大约多少米的高度（下限）？",
        "answers": [
            {"text": "1.2", "tolerance": 0.05, "feedback": "对，1.2–1.5 米正对排队访客的视线。"},
            {"text": "1.5", "tolerance": 0.05, "weight": 0.5, "feedback": "这是上限，下限是 1.2 米。"},
        ],
        "explanation": "贴在离地约 1.2–1.5 米、正对视线的位置，过塑防雨，夜间有照明。",
    },
    {
        "kind": "multiple",
        "text": "每次接班检查登记码时，要做哪些事？",
        "choices": [
            {"text": "摸一摸码的边缘，看有没有多贴一层", "correct": True},
            {"text": "用自己的手机扫一次，确认打开的是登记页", "correct": True},
            {"text": "发现问题立即撕下、拍照留存并报告", "correct": True},
            {"text": "把码换成自己微信的二维码"},
        ],
        "explanation": "诈骗码常被贴在登记码上面：摸、扫、发现问题撕下并报告。",
    },
    {
        "kind": "single",
        "text": "本小区居民出示了有效的居民通行码，应该怎么做？",
        "choices": [
            {"text": "核对颜色和有效日期后放行", "correct": True},
            {"text": "再让他扫码登记一次"},
            {"text": "登记他的身份证号"},
        ],
        "explanation": "居民出示通行码即可，不用重复登记。",
    },
    {
        "kind": "true_false",
        "text": "引导访客扫码时，为了快，值班人员可以接过访客的手机替他填写。",
        "true_answer": False,
        "explanation": "让访客自己动手，你只看结果，全程保持一米距离、不接触访客的手机；不会用的再用代登记。",
    },
    {
        "kind": "ordering",
        "text": "交班前核对当天登记名单，按什么顺序做？",
        "steps": [
            "按日期和本出入口筛选名单",
            "查看人数统计和“待确认”记录",
            "逐条处理待确认的记录",
            "在值班记录上写明核对结果",
        ],
        "explanation": "先筛选，再看统计和待确认，处理完后记录，交接才清楚。",
    },
    {
        "kind": "single",
        "text": "海报下方加一行“不会扫码、没带手机，请找值班人员帮您登记”，主要是为了？",
        "choices": [
            {"text": "让老人主动来找值班人员，不在门口干着急", "correct": True},
            {"text": "减少值班人员的工作量"},
            {"text": "提醒访客必须带手机"},
        ],
        "explanation": "一句大字提示，让不会扫码的人知道有人帮忙。",
    },
    {
        "kind": "fill_blank",
        "text": "代老人登记前，要先说明用途并取得对方的______。（填两个字）",
        "answers": [{"text": "同意", "feedback": "对，先说明用途并征得同意。"}],
        "explanation": "代登记也是收集个人信息：先说明用途，对方同意后再填写。",
    },
]
