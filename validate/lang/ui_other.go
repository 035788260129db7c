//go:build !windows

package lang

// systemUILanguage is "" outside Windows: the locale variables say it.
func systemUILanguage() string { return "" }
