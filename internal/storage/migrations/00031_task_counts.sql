-- +goose Up
-- Home's union-wide task figures without reading every open task (issue
-- 15): task_counts holds the open tasks per due day and kind (the open
-- welcome tasks and those due by today are sums of its few rows), and
-- open_tasks the open tasks in due order, so that the first due ones are
-- found by reading only them. (An index on tasks(status, due) would serve
-- the list, but SQLite, unanalysed, then prefers it to tasks_scope for a
-- steward's tasks.) Triggers keep both in the transaction that adds,
-- closes, moves or deletes a task; they are filled here, so they are
-- current from the start, and the daily job (RebuildDailyCounts) counts
-- them afresh. Only union-wide readers use them: a scoped reader's tasks
-- also depend on their persons' scope, and are counted on request.
CREATE TABLE task_counts (
    due DATE NOT NULL,
    kind TEXT NOT NULL,
    tasks BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (due, kind)
);
CREATE TABLE open_tasks (
    due DATE NOT NULL,
    task_id BIGINT NOT NULL,
    PRIMARY KEY (due, task_id)
);
INSERT INTO task_counts (due, kind, tasks) SELECT due, kind, count(*) FROM tasks WHERE status = 'open' GROUP BY due, kind;
INSERT INTO open_tasks (due, task_id) SELECT due, id FROM tasks WHERE status = 'open';

-- One trigger for an update takes the old row out before it puts the new
-- one in: open_tasks' key may be the same.
{{sqlite_only}}CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks WHEN NEW.status = 'open' BEGIN INSERT INTO task_counts (due, kind, tasks) VALUES (NEW.due, NEW.kind, 1) ON CONFLICT (due, kind) DO UPDATE SET tasks = tasks + 1; INSERT INTO open_tasks (due, task_id) VALUES (NEW.due, NEW.id); END;
{{sqlite_only}}CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks WHEN OLD.status = 'open' BEGIN UPDATE task_counts SET tasks = tasks - 1 WHERE due = OLD.due AND kind = OLD.kind; DELETE FROM open_tasks WHERE due = OLD.due AND task_id = OLD.id; END;
{{sqlite_only}}CREATE TRIGGER task_counts_update AFTER UPDATE OF status, due, kind ON tasks WHEN OLD.status = 'open' OR NEW.status = 'open' BEGIN UPDATE task_counts SET tasks = tasks - 1 WHERE OLD.status = 'open' AND due = OLD.due AND kind = OLD.kind; DELETE FROM open_tasks WHERE OLD.status = 'open' AND due = OLD.due AND task_id = OLD.id; INSERT INTO task_counts (due, kind, tasks) SELECT NEW.due, NEW.kind, 1 WHERE NEW.status = 'open' ON CONFLICT (due, kind) DO UPDATE SET tasks = tasks + 1; INSERT INTO open_tasks (due, task_id) SELECT NEW.due, NEW.id WHERE NEW.status = 'open'; END;

{{pg_only}}CREATE FUNCTION task_counts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' AND OLD.status = 'open' THEN UPDATE task_counts SET tasks = tasks - 1 WHERE due = OLD.due AND kind = OLD.kind; DELETE FROM open_tasks WHERE due = OLD.due AND task_id = OLD.id; END IF; IF TG_OP <> 'DELETE' AND NEW.status = 'open' THEN INSERT INTO task_counts AS c (due, kind, tasks) VALUES (NEW.due, NEW.kind, 1) ON CONFLICT (due, kind) DO UPDATE SET tasks = c.tasks + 1; INSERT INTO open_tasks (due, task_id) VALUES (NEW.due, NEW.id); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER task_counts_change AFTER INSERT OR DELETE OR UPDATE OF status, due, kind ON tasks FOR EACH ROW EXECUTE FUNCTION task_counts_trigger();

-- +goose Down
{{pg_only}}DROP TRIGGER task_counts_change ON tasks;
{{pg_only}}DROP FUNCTION task_counts_trigger();
{{sqlite_only}}DROP TRIGGER task_counts_update;
{{sqlite_only}}DROP TRIGGER task_counts_delete;
{{sqlite_only}}DROP TRIGGER task_counts_insert;
DROP TABLE open_tasks;
DROP TABLE task_counts;
