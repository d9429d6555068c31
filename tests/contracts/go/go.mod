module netreport.local/contracts

go 1.22
