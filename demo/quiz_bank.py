"""Demo question bank and one quiz per demo course, in the shape `QuestionData` takes."""

# course slug -> (quiz title, [questions]); each question: dict for QuestionData plus "image" key for
# screenshots (an illustration key) where the question needs one.
QUIZZES = {
    "qr-visitor-registration": (
        "结业测验：扫码登记",
        [
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
        ],
    ),
    "temperature-logging": (
        "结业测验：体温记录",
        [
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
        ],
    ),
}
