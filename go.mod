module github.com/palaute/palaute

go 1.25.0

require golang.org/x/text v0.41.0

require gonum.org/v1/gonum v0.17.0
