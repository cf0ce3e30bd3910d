package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// formatTime prints milliseconds with three significant digits.
func formatTime(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms >= 1:
		return fmt.Sprintf("%.2f ms", ms)
	default:
		return fmt.Sprintf("%.3g ms", ms)
	}
}

// formatFactor says how many times slower value is than base.
func formatFactor(value, base float64) string {
	if base <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.3g× the lowest", value/base)
}

// formatMS prints milliseconds with 0.1 µs resolution; NaN is empty.
func formatMS(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func formatRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// formatCount prints a sample count; the estimate's cap reads as "never".
func formatCount(n int) string {
	if n >= 1_000_000_000 {
		return "> 10⁹"
	}
	return strconv.Itoa(n)
}

func formatP(p float64) string {
	if math.IsNaN(p) {
		return ""
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

// formatPercent prints a fraction as a percentage, "–" for NaN.
func formatPercent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(100*f, 'f', 1, 64) + " %"
}
func formatRatioCI(v interval) string {
	if math.IsNaN(v.V) {
		return "–"
	}
	return fmt.Sprintf("%s [%s, %s]", formatRatio(v.V), orDash(formatRatio(v.Low)), orDash(formatRatio(v.High)))
}

// truncate puts text on one line and cuts it to at most n runes.
func truncate(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if runes := []rune(text); len(runes) > n {
		return string(runes[:n-1]) + "…"
	}
	return text
}
