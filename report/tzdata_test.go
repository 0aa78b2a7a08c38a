package report

// The test binary is a program: it embeds the zone database so that the
// tests run on machines without one (the library itself does not).
import _ "time/tzdata"
