package storage

import (
	"strings"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// sqlSet is a set of typed words as an SQL list literal, ('a', 'b'), for
// "status IN "+set. The words are the model's constants, never input.
func sqlSet[T ~string](words ...T) string {
	return "('" + strings.Join(model.List[T](words).Strings(), "', '") + "')"
}

// sqlWord is one typed word as an SQL string literal, 'a'. The word is a
// constant, never input.
func sqlWord[T ~string](word T) string { return "'" + string(word) + "'" }

// Status sets the queries share.
var (
	// currentStatuses: a membership (or person) in one of these is a member.
	currentStatuses = sqlSet(model.StatusActive, model.StatusArrears)
	// pipelineTaskKinds: the tasks whose outcome moves the pipeline.
	pipelineTaskKinds = sqlSet(pipeline.TaskKinds...)
	// joinFulfils: the tasks a person's joining again makes done.
	joinFulfils = sqlSet(pipeline.JoinFulfils...)
	// stewardRoles: the roles that make a workplace "have a shop steward"
	// (pipeline.StewardRoles).
	stewardRoles = sqlSet(pipeline.StewardRoles...)
)
