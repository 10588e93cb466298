package hooks_test

import (
	"errors"
	"testing"

	ozzo "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// TestFeedbackThread: the shape of a conversation holds for every writer,
// here Go code, which no access rule stops: an answer answers a top-level
// note of its own team, and a note with answers stays in its team and
// does not become an answer itself. Deleting a note deletes its answers.
func TestFeedbackThread(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	col, err := app.FindCollectionByNameOrId(schema.Feedback)
	if err != nil {
		t.Fatal(err)
	}
	note := func(fields map[string]any) *core.Record {
		r := core.NewRecord(col)
		r.Load(map[string]any{"team": w.TeamA.Id, "author": w.BegA.Id, "text": "Antwoord"})
		r.Load(fields)
		return r
	}
	answer := note(map[string]any{"answer_to": w.FeedbackA.Id})
	if err := app.Save(answer); err != nil {
		t.Fatalf("answer to FeedbackA: %v", err)
	}
	wantThreadError := func(name, field string, r *core.Record) {
		t.Helper()
		err := app.Save(r)
		var errs ozzo.Errors
		if !errors.As(err, &errs) || errs[field] == nil {
			t.Errorf("%s: %v, want an error on %s", name, err, field)
		}
	}
	wantThreadError("answer in team A to team B's note", "answer_to", note(map[string]any{"answer_to": w.FeedbackB.Id}))
	wantThreadError("answer to an answer", "answer_to", note(map[string]any{"answer_to": answer.Id}))
	wantThreadError("answer to a note that does not exist", "answer_to", note(map[string]any{"answer_to": "nosuchnote0000"}))

	self := note(nil)
	if err := app.Save(self); err != nil {
		t.Fatal(err)
	}
	self.Set("answer_to", self.Id)
	wantThreadError("answer to itself", "answer_to", self)

	moved, _ := app.FindRecordById(schema.Feedback, w.FeedbackA.Id)
	moved.Set("team", w.TeamB.Id)
	moved.Set("safari", "")
	wantThreadError("note with answers moves team", "team", moved)
	nested, _ := app.FindRecordById(schema.Feedback, w.FeedbackA.Id)
	nested.Set("answer_to", self.Id)
	wantThreadError("note with answers becomes an answer", "answer_to", nested)
	movedAnswer, _ := app.FindRecordById(schema.Feedback, answer.Id)
	movedAnswer.Set("team", w.TeamB.Id)
	wantThreadError("answer moves team", "answer_to", movedAnswer)

	free, _ := app.FindRecordById(schema.Feedback, w.FeedbackB.Id)
	free.Set("text", "Wie kent de bibliothecaris nog meer?")
	if err := app.Save(free); err != nil {
		t.Fatalf("a note without answers is edited: %v", err)
	}

	fa, _ := app.FindRecordById(schema.Feedback, w.FeedbackA.Id)
	if err := app.Delete(fa); err != nil {
		t.Fatal(err)
	}
	if _, err := app.FindRecordById(schema.Feedback, answer.Id); err == nil {
		t.Error("the answer outlived the note it answers")
	}
}
