package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// FieldAnswerTo makes a feedback record an answer: it names the top-level
// review note (a teamadviseur's feedback) it answers, in the same team.
// Answers are one level deep; an answer's kind may be empty.
const FieldAnswerTo = "answer_to"

// Feedback is a conversation: feedback.answer_to (optional, one note), and
// the rules that let a team's begeleiders answer a note of their team
// (rules_snapshots/1795871254_feedback_answers.json). Deleting a note
// deletes its answers: an answer without its question means nothing.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(Feedback)
		if err != nil {
			return err
		}
		c.Fields.Add(relation(FieldAnswerTo, feedbackID, false, 1, true))
		index(c, FieldAnswerTo, FieldAnswerTo)
		if err := app.Save(c); err != nil {
			return fmt.Errorf("feedback.answer_to: %w", err)
		}
		return applyRulesSnapshot(app, "1795871254_feedback_answers.json")
	}, nil)
}
