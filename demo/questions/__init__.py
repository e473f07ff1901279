"""The demo question bank, one module per course. Each question is a dict in the shape `QuestionData`
takes (demo.loader.demo_question_data), plus "image" (an illustration key) for a screenshot; every question
has its feedback in "explanation"."""
