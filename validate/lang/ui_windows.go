//go:build windows

package lang

import (
	"golang.org/x/sys/windows"
)

// systemUILanguage is the user's Windows display language ("zh-CN").
func systemUILanguage() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}
