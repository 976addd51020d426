for do done
export PGSSLMODE=require
