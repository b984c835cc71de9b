region        = "eu-central-1"
instance_type = "t3.small"

htx_access_key     = "@htxkey#tf@"
htx_secret_key     = "@htxkey#tfsec@"
bitvavo_api_key    = "@hex64#bv@"
bitvavo_api_secret = "@hex128#bv@"
crypto_com_api_key    = "@alnum22#cdc@"
crypto_com_secret_key = "@alnum22#cdcsec@"
