package validate

// The profiles of the two platforms as their packages declare them
// (importer/mb and importer/sandy; validate cannot import them).
var (
	mbProfile    = Profile{Name: "mb", Required: []Field{Cardno, Password, Extid, Name, Phone, Sex}, MaxLevel: 5, RelativeExpiry: true}
	sandyProfile = Profile{Name: "sandy", Required: []Field{Cardno, Name, Phone, Sex}, LevelNames: true}
)
