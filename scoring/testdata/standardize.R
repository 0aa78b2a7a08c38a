#!/usr/bin/Rscript
# Reference values for scoring.Standardize and scoring.ReferenceMix, made
# with R's survey package (svystandardize), independent of the Go code.
#
# Units answer an agree statement by SMS, kiosk and web; each cell has
# agree, neutral, disagree and can't-say answers. The reference mix is the
# whole population's mix of the share's denominators (substantive answers:
# can't-say answers are not in the agreement share). Each unit's share is
# directly standardized to that mix; the population standardized to its
# own mix must return its crude share.
#
# Run: Rscript standardize.R > standardize.txt
suppressMessages(library(survey))
options(digits = 17, warn = -1)
set.seed(11)
channels <- c("sms", "kiosk", "web")
units <- c("u1", "u2", "u3", "u4", "u5")
cells <- expand.grid(unit = units, ch = channels, stringsAsFactors = FALSE)
cells$agree <- 0; cells$neutral <- 0; cells$disagree <- 0; cells$cantsay <- 0
for (i in seq_len(nrow(cells))) {
  n <- sample(5:120, 1)
  p <- switch(cells$ch[i], sms = 0.85, kiosk = 0.7, web = 0.78) + runif(1, -0.1, 0.1)
  a <- rbinom(1, n, p)
  rest <- n - a
  cells$agree[i] <- a
  cells$neutral[i] <- rbinom(1, rest, 0.5)
  cells$disagree[i] <- rest - cells$neutral[i]
  cells$cantsay[i] <- rbinom(1, n, 0.15)  # many can't-say answers on purpose
}
# One answer per row; can't-say answers are not in the design of the share.
rows <- do.call(rbind, lapply(seq_len(nrow(cells)), function(i) {
  c <- cells[i, ]
  data.frame(unit = c$unit, ch = c$ch,
             y = c(rep(1, c$agree), rep(0, c$neutral + c$disagree)))
}))
d <- svydesign(ids = ~1, data = rows)
denominators <- aggregate(y ~ ch, data = rows, FUN = length)
names(denominators) <- c("ch", "Freq")
cat("# Standardization vectors made by standardize.R (R", paste(R.version$major, R.version$minor, sep = "."),
    ", survey", as.character(packageVersion("survey")), ").\n")
cat("# cell UNIT CHANNEL agree neutral disagree cantsay\n")
cat("# mix CHANNEL -> weight          (the population's mix of substantive answers)\n")
cat("# std UNIT -> standardized share (svystandardize, over units)\n")
cat("# crude -> share                 (the population standardized to its own mix)\n")
for (i in seq_len(nrow(cells))) {
  c <- cells[i, ]
  cat("cell", c$unit, c$ch, c$agree, c$neutral, c$disagree, c$cantsay, "\n")
}
for (i in seq_len(nrow(denominators))) {
  cat("mix", denominators$ch[i], "->", format(denominators$Freq[i] / sum(denominators$Freq), digits = 17), "\n")
}
s <- svystandardize(d, by = ~ch, over = ~unit, population = denominators)
est <- svyby(~y, ~unit, s, svymean)
for (u in units) cat("std", u, "->", format(est[u, "y"], digits = 17), "\n")
all <- svystandardize(d, by = ~ch, over = ~1, population = denominators)
cat("crude ->", format(coef(svymean(~y, all)), digits = 17), "\n")
