package pipeline

// WelcomeJoinedDays is how many days a steward has to welcome someone who
// joined on the join page (kept apart from pipeline.go's timings so the
// join flow's rules read in one place).
const WelcomeJoinedDays = 3
