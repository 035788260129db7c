package validate

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	feb3 := time.Date(1990, 2, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{"19900203", feb3, ""},
		{"1990-02-03", feb3, ""},
		{"1990-2-3", feb3, ""},
		{"1990/2/3", feb3, ""},
		{"1990/02/03", feb3, ""},
		{"1990.2.3", feb3, ""},
		{"1990年2月3日", feb3, ""},
		{"1990年02月03", feb3, ""},
		{"1990-02-03 00:00:00", feb3, ""},
		{"1990-02-03  23:59:59.999", feb3, ""},
		{"1990/2/3 0:00", feb3, ""},
		{"1990-02-03T00:00", feb3, ""},
		{"1990年2月3日 00:00:00", feb3, ""},
		{"１９９０／２／３", feb3, ""},
		{"\u3000 19900203 \t", feb3, ""},
		{"2000-02-29", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		{"0001-01-01", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"1900-02-29", time.Time{}, "not a real date: February 1900 has 28 days"},
		{"1990-02-30", time.Time{}, "not a real date: February 1990 has 28 days"},
		{"1990-00-10", time.Time{}, "not a real date: there is no month 0"},
		{"1990-12-32", time.Time{}, "not a real date: December 1990 has 31 days"},
		{"0000-05-01", time.Time{}, "year 0000 does not exist"},
		{"0000-00-00", time.Time{}, "an empty date from a database (0000-00-00)"},
		{"00000000 00:00:00", time.Time{}, "an empty date from a database (0000-00-00)"},
		{"", time.Time{}, errDateSyntax.Error()},
		{"1990", time.Time{}, errDateSyntax.Error()},
		{"199002", time.Time{}, errDateSyntax.Error()},
		{"1990020", time.Time{}, errDateSyntax.Error()},
		{"199002031", time.Time{}, errDateSyntax.Error()},
		{"90-02-03", time.Time{}, errDateSyntax.Error()},
		{"03/02/1990", time.Time{}, errDateSyntax.Error()},
		{"1990-02/03", time.Time{}, errDateSyntax.Error()},
		{"1990年2-3", time.Time{}, errDateSyntax.Error()},
		{"1990-123-4", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03 24:00", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03 12:60", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03 12:00:61", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03 12", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03 noon", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03x", time.Time{}, errDateSyntax.Error()},
		{"1990-02-03T", time.Time{}, errDateSyntax.Error()},
		{"1.99E+7", time.Time{}, errDateSyntax.Error()},
	} {
		got, err := ParseDate(tc.in)
		if !got.Equal(tc.want) || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestExcelSerial(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"32907", "1990-02-03", true},
		{"45000", "2023-03-15", true},
		{"1234", "", false},
		{"123456", "", false},
		{"3290a", "", false},
	} {
		got, ok := excelSerial(tc.in)
		if ok != tc.ok || (ok && showDate(got) != tc.want) {
			t.Errorf("excelSerial(%q) = %v, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
