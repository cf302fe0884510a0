package facts

import (
	"fmt"

	"github.com/anzexian/anzexian/internal/regions"
)

// RegionDataVersion names the GB/T 2260 data that region codes are checked
// against and named from: the Ministry of Civil Affairs' year-end listings
// of county-level and higher codes, former years' codes included.
const RegionDataVersion = regions.Version

// checkRegion reports what is wrong with a region code of the right shape
// (see [ValidRegion]) whose first two digits name no province in any year
// of the data: such a code cannot be a GB/T 2260 code, and would be assessed
// under national rules alone. A code under a known province that the data
// does not list is not an error here (codes change every year; a new one is
// valid): the answer built on it says so.
func checkRegion(code string) (summary, hint string) {
	if regions.KnownProvince(code) {
		return "", ""
	}
	return fmt.Sprintf("region %q: no province has the code %q", code, code[:2]),
		"the first two digits name the province (11 北京市 … 65 新疆维吾尔自治区, 71 台湾省, 81 香港, 82 澳门), e.g. \"430100\" 湖南省长沙市; checked against " + regions.Version
}
